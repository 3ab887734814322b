import { z } from "zod";
import type { Bucket, DashboardRange } from "@/db/queries/dashboards";
import { AppError } from "@/lib/errors";

/**
 * A dashboard's time range, as the URL carries it (`range`, `from`, `to`, `tz`): a preset
 * ending with the current hour, or whole days in the viewer's time zone. Bounds are whole
 * UTC hours (the rollups' grain); the bucket follows the span (hours up to 3 days, days up
 * to 60, weeks beyond); the previous period is the same span just before.
 */

export const RANGE_PRESETS = ["24h", "7d", "30d", "90d"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PRESET_SPAN: Record<RangePreset, number> = { "24h": DAY, "7d": 7 * DAY, "30d": 30 * DAY, "90d": 90 * DAY };
/** The longest custom range. */
export const MAX_RANGE_DAYS = 366;

const zones = new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);

export const rangeQuerySchema = z.object({
  range: z.enum([...RANGE_PRESETS, "custom"]).default("7d"),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-12-01.")
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-12-01.")
    .optional(),
  tz: z
    .string()
    .max(64)
    .refine((tz) => zones.has(tz), "Unknown time zone.")
    .default("UTC"),
});
export type RangeQuery = z.input<typeof rangeQuerySchema>;

export type ResolvedRange = DashboardRange & { preset: RangePreset | "custom"; previous: DashboardRange };

export function bucketFor(spanMs: number): Bucket {
  if (spanMs <= 3 * DAY) return "hour";
  if (spanMs <= 60 * DAY) return "day";
  return "week";
}

/**
 * Formatters per time zone, made once: building an Intl.DateTimeFormat costs far more than
 * using one, and every bucket of a range needs several.
 */
const partsFormatters = new Map<string, Intl.DateTimeFormat>();
const dateFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The offset of `timeZone` from UTC at `instant`, in milliseconds. */
export function zoneOffset(instant: number, timeZone: string): number {
  const parts = partsFormatter(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return local - Math.floor(instant / 1000) * 1000;
}

/** The instant of local midnight starting `date` (YYYY-MM-DD) in `timeZone`. */
export function zonedMidnight(date: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // Two passes: the offset at the guess, then at the corrected instant (daylight saving).
  const first = wall - zoneOffset(wall, timeZone);
  return wall - zoneOffset(first, timeZone);
}

/** The local calendar date (YYYY-MM-DD) of `instant` in `timeZone`. */
export function zonedDate(instant: number, timeZone: string): string {
  let formatter = dateFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormatters.set(timeZone, formatter);
  }
  return formatter.format(new Date(instant));
}

/** The calendar date `days` after `date` (YYYY-MM-DD). */
function addDays(date: string, days: number): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

const floorHour = (ms: number) => Math.floor(ms / HOUR) * HOUR;

export function resolveRange(query: RangeQuery, now = Date.now()): ResolvedRange {
  const parsed = rangeQuerySchema.safeParse(query);
  if (!parsed.success) {
    throw new AppError("INVALID_INPUT", parsed.error.issues[0]?.message ?? "Invalid range.");
  }
  const { range, tz } = parsed.data;
  let from: number;
  let to: number;
  if (range === "custom") {
    if (!parsed.data.from || !parsed.data.to)
      throw new AppError("INVALID_INPUT", "A custom range needs from and to dates.");
    from = floorHour(zonedMidnight(parsed.data.from, tz));
    // `to` is inclusive: the range ends at the next local midnight.
    to = floorHour(zonedMidnight(addDays(parsed.data.to, 1), tz));
    if (!(to > from)) throw new AppError("INVALID_INPUT", "The range must end after it starts.");
    if (to - from > MAX_RANGE_DAYS * DAY + 2 * HOUR) {
      throw new AppError("INVALID_INPUT", `A range can span at most ${MAX_RANGE_DAYS} days.`);
    }
  } else {
    to = floorHour(now) + HOUR;
    from = to - PRESET_SPAN[range];
  }
  const bucket = bucketFor(to - from);
  const span = to - from;
  return {
    preset: range,
    from: new Date(from),
    to: new Date(to),
    bucket,
    timeZone: tz,
    previous: { from: new Date(from - span), to: new Date(from), bucket, timeZone: tz },
  };
}

/**
 * The start of every bucket of the range, in order, as Postgres' `date_trunc(bucket, t,
 * zone)` gives them (weeks start on Monday), so series can be filled where nothing ran.
 */
export function bucketStarts(range: DashboardRange): number[] {
  const { timeZone } = range;
  const from = range.from.getTime();
  const to = range.to.getTime();
  const starts: number[] = [];
  if (range.bucket === "hour") {
    // At most three days of hours (bucketFor).
    for (let t = from; t < to; t += HOUR) {
      const start = bucketStart(t, "hour", timeZone);
      if (start !== starts.at(-1)) starts.push(start);
    }
    return starts;
  }
  // Days and weeks: one step per bucket, from local midnight to local midnight.
  const step = range.bucket === "day" ? 1 : 7;
  let start = bucketStart(from, range.bucket, timeZone);
  while (start < to) {
    starts.push(start);
    start = zonedMidnight(addDays(zonedDate(start, timeZone), step), timeZone);
  }
  return starts;
}

export function bucketStart(instant: number, bucket: Bucket, timeZone: string): number {
  if (bucket === "hour") return floorHour(instant + zoneOffset(instant, timeZone)) - zoneOffset(instant, timeZone);
  const date = zonedDate(instant, timeZone);
  if (bucket === "day") return zonedMidnight(date, timeZone);
  const sinceMonday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
  return zonedMidnight(addDays(date, -sinceMonday), timeZone);
}
