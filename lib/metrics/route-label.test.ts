import { expect, test } from "vitest";
import { routeLabel } from "./route-label";

const id = "7d0f6a6e-1f2a-4b3c-9d8e-0a1b2c3d4e5f";

test("request paths become route templates; ids, slugs and query strings never become label values", () => {
  expect(routeLabel(`/api/v1/runs/${id}`)).toBe("/api/v1/runs/{id}");
  expect(routeLabel(`/api/v1/runs/${id}/cancel`)).toBe("/api/v1/runs/{id}/cancel");
  expect(routeLabel("/api/v1/agents/csv-stats/runs?x=1")).toBe("/api/v1/agents/{slug}/runs");
  expect(routeLabel("/agents/csv-stats")).toBe("/agents/{slug}");
  expect(routeLabel("/agents/galaxy")).toBe("/agents/galaxy");
  expect(routeLabel("/agents")).toBe("/agents");
  expect(routeLabel("/")).toBe("/");
  expect(routeLabel(`/orgs/${id}/api`)).toBe("/orgs/{id}/api");
  expect(routeLabel("/_next/static/chunks/abc.js")).toBe("/_next/static");
  // Whatever a client makes up is one label.
  expect(routeLabel("/wp-admin/x.php")).toBe("other");
  expect(routeLabel(`/api/v1/runs/not-a-uuid`)).toBe("other");
  expect(routeLabel("/studio/a/b/c/d")).toBe("other");
});
