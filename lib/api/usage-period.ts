const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;

/**
 * A usage period from `from`/`to` query values (YYYY-MM-DD, UTC, `to` inclusive).
 * Defaults to the current calendar month.
 */
export function parseUsagePeriod(
  from: string | null,
  to: string | null,
  now = new Date(),
): { ok: true; from: Date; to: Date } | { ok: false; message: string } {
  const parse = (value: string) => {
    if (!DAY.test(value)) return null;
    const date = new Date(`${value}T00:00:00Z`);
    return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : date;
  };
  const start = from ? parse(from) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  if (!start) return { ok: false, message: "`from` must be a date like 2026-11-01." };
  const lastDay = to ? parse(to) : null;
  if (to && !lastDay) return { ok: false, message: "`to` must be a date like 2026-11-30." };
  const end = lastDay
    ? new Date(lastDay.getTime() + 86_400_000)
    : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  if (end <= start) return { ok: false, message: "`to` must not be before `from`." };
  if (end.getTime() - start.getTime() > MAX_DAYS * 86_400_000)
    return { ok: false, message: `A period can span at most ${MAX_DAYS} days.` };
  return { ok: true, from: start, to: end };
}
