/**
 * The URL parameters a dashboard's data depends on (the rest is view state), read the same
 * way by the browser (`useDashboardParams`) and by a page that prefetches the data on the
 * server, so both name the same TanStack Query key.
 */
export const DATA_PARAMS = ["range", "from", "to", "tz", "agent", "version", "key"] as const;

/** The cookie in which the browser leaves its time zone, so the server can render a dashboard in it. */
export const TIME_ZONE_COOKIE = "tz";

export function dashboardDataParams(
  get: (name: string) => string | null | undefined,
  zone: string | null,
): Record<string, string> {
  const params: Record<string, string> = {};
  for (const name of DATA_PARAMS) {
    const value = get(name);
    if (value) params[name] = value;
  }
  params.range ??= "7d";
  params.tz ??= zone ?? "UTC";
  return params;
}
