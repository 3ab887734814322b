import { afterEach, expect, test } from "vitest";
import { postgresLeadership, soleLeadership, type Leadership } from "./leadership";
import { testPostgresUrl } from "./testing";

const url = await testPostgresUrl();
const open: Leadership[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

test("with the embedded database the one process leads", () => {
  expect(soleLeadership().holds()).toBe(true);
});

// Leadership between processes exists only on Postgres; without one (PGlite only) there is nothing to elect.
test.skipIf(!url)(
  "on Postgres exactly one of several contenders leads, and another takes over when it goes",
  async () => {
    const name = `test-${Date.now()}`;
    const contenders = [0, 1, 2].map(() => postgresLeadership(url!, name, 200));
    open.push(...contenders);
    await Promise.all(contenders.map((c) => c.ready));
    expect(contenders.filter((c) => c.holds())).toHaveLength(1);
    // Another job's leadership is independent.
    const other = postgresLeadership(url!, `${name}-other`, 200);
    open.push(other);
    await other.ready;
    expect(other.holds()).toBe(true);

    const leader = contenders.find((c) => c.holds())!;
    await leader.close(); // its connection ends, as when its process dies
    const rest = contenders.filter((c) => c !== leader);
    await expect.poll(() => rest.filter((c) => c.holds()).length, { timeout: 5_000, interval: 100 }).toBe(1);
  },
);
