import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type PgBoss from "pg-boss";
import type { DbHandle } from "@/db/client";
import { testBackends } from "@/db/testing";
import { queueBacklog } from "@/db/queries/queue";
import { RUNS_QUEUE, startBoss, WEBHOOKS_QUEUE } from "./boss";

describe.each(await testBackends())("pg-boss on $name", (backend) => {
  let handle: DbHandle;
  let boss: PgBoss;
  beforeAll(async () => {
    handle = await backend.open();
    boss = await startBoss(handle);
  }, 60_000);
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    await handle?.close();
  });

  test("the runs queue carries a job from send to a worker, once; a second start finds the queue there", async () => {
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      void boss.work<{ executionId: string }>(RUNS_QUEUE, { pollingIntervalSeconds: 0.5 }, async (jobs) => {
        for (const job of jobs) seen.push(job.data.executionId);
        resolve();
      });
    });
    const id = await boss.send(RUNS_QUEUE, { executionId: "e-1" });
    expect(id).toBeTruthy();
    await done;
    expect(seen).toEqual(["e-1"]);
    await expect
      .poll(async () => (await boss.getJobById(RUNS_QUEUE, id!))?.state, { timeout: 10_000 })
      .toBe("completed");
    // Another process starting on the same database keeps the queue and its options.
    const second = await startBoss(handle);
    expect((await second.getQueue(RUNS_QUEUE))?.expireInSeconds).toBe(300);
    await second.stop({ graceful: false, wait: true });
  }, 60_000);
  test("the backlog counts waiting jobs and the oldest one's age", async () => {
    // (The worker of the test above keeps taking jobs: stop it first.)
    await boss.offWork(RUNS_QUEUE);
    const before = await queueBacklog(handle.db, { queue: RUNS_QUEUE, now: new Date() });
    await boss.send(RUNS_QUEUE, { executionId: "waiting" });
    const after = await queueBacklog(handle.db, { queue: RUNS_QUEUE, now: new Date(Date.now() + 60_000) });
    expect(after!.waiting).toBe(before!.waiting + 1);
    expect(after!.oldestSeconds).toBeGreaterThanOrEqual(59);
  });

  test("the webhooks queue holds a delivery's job until its attempt is due (startAfter)", async () => {
    expect((await boss.getQueue(WEBHOOKS_QUEUE))?.expireInSeconds).toBe(60);
    const seen: string[] = [];
    await boss.work<{ deliveryId: string }>(WEBHOOKS_QUEUE, { pollingIntervalSeconds: 0.5 }, async (jobs) => {
      for (const job of jobs) seen.push(job.data.deliveryId);
    });
    await boss.send(WEBHOOKS_QUEUE, { deliveryId: "later" }, { startAfter: new Date(Date.now() + 3_600_000) });
    await boss.send(WEBHOOKS_QUEUE, { deliveryId: "now" });
    await expect.poll(() => seen, { timeout: 10_000 }).toEqual(["now"]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(seen).toEqual(["now"]);
    await boss.offWork(WEBHOOKS_QUEUE);
  }, 30_000);
});
