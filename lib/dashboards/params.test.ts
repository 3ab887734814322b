import { expect, test } from "vitest";
import { dashboardDataParams } from "./params";

test("a dashboard's data parameters: the URL's, a 7-day range and the viewer's zone by default, view state left out", () => {
  const url = new URLSearchParams("range=30d&tables=runs&compare=0&agent=csv-stats");
  expect(dashboardDataParams((n) => url.get(n), "Europe/Oslo")).toEqual({
    range: "30d",
    agent: "csv-stats",
    tz: "Europe/Oslo",
  });
  expect(dashboardDataParams(() => undefined, null)).toEqual({ range: "7d", tz: "UTC" });
  // A zone chosen in the URL wins over the viewer's.
  expect(dashboardDataParams((n) => (n === "tz" ? "Asia/Tokyo" : null), "Europe/Oslo").tz).toBe("Asia/Tokyo");
});
