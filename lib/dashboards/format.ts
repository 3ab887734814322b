/** Labels of dashboard buckets in the viewer's time zone (client and server). */
export function bucketLabel(iso: string, bucket: string, timeZone: string): string {
  const date = new Date(iso);
  if (bucket === "hour") {
    return new Intl.DateTimeFormat("en-GB", {
      timeZone,
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(date);
  }
  const day = new Intl.DateTimeFormat("en-GB", { timeZone, month: "short", day: "numeric", year: "numeric" }).format(
    date,
  );
  return bucket === "week" ? `Week of ${day}` : day;
}

/** A change against the previous period, as "+12 %" (null when there is nothing to compare with). */
export function changeLabel(current: number | null, previous: number | null): string | null {
  if (current === null || previous === null || previous === 0) return null;
  const change = ((current - previous) / previous) * 100;
  return `${change >= 0 ? "+" : "−"}${Math.abs(change).toFixed(Math.abs(change) < 10 ? 1 : 0)} %`;
}
