import { expect, test } from "vitest";
import { bucketStarts, resolveRange } from "./range";

const iso = (starts: number[]) => starts.map((t) => new Date(t).toISOString());

test("bucket starts follow local midnights across a daylight-saving change, weeks start on Monday", () => {
  const days = {
    from: new Date("2026-10-23T22:00:00Z"),
    to: new Date("2026-10-26T23:00:00Z"),
    timeZone: "Europe/Berlin",
  };
  expect(iso(bucketStarts({ ...days, bucket: "day" }))).toEqual([
    "2026-10-23T22:00:00.000Z",
    "2026-10-24T22:00:00.000Z", // the 25-hour day
    "2026-10-25T23:00:00.000Z",
  ]);
  // 2026-10-24 is a Saturday: its week began on Monday the 19th.
  expect(iso(bucketStarts({ ...days, bucket: "week" }))).toEqual([
    "2026-10-18T22:00:00.000Z",
    "2026-10-25T23:00:00.000Z",
  ]);
  expect(bucketStarts({ ...days, bucket: "hour" })).toHaveLength(73);
});

test("a year-long custom range has one bucket per week, the same as the period before it", () => {
  const range = resolveRange({ range: "custom", from: "2025-12-01", to: "2026-11-30", tz: "America/New_York" });
  expect(range.bucket).toBe("week");
  const weeks = bucketStarts(range);
  expect(weeks.length).toBeGreaterThanOrEqual(52);
  expect(weeks.length).toBeLessThanOrEqual(54);
  expect(bucketStarts(range.previous).length).toBeGreaterThanOrEqual(52);
});
