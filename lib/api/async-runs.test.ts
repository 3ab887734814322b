import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db/client";
import { createUser } from "@/db/queries/users";
import { credits, executions } from "@/db/schema";
import { testBackends } from "@/db/testing";
import { reapOverdueRuns } from "@/lib/metering/reaper";
import { processQueuedRun } from "@/lib/queue/run-worker";
import { cancelRun } from "./handlers/cancel-run";
import { createRun, prefersAsync } from "./handlers/create-run";
import { getRun } from "./handlers/get-run";
import { agentSpecSchema } from "@/lib/agents/spec";
import { apiRequest, doublerSpec, orgWithKey, publishedAgent } from "./fixtures.testing";

// The queue itself (pg-boss) is tested in lib/queue/boss.test.ts; here a job is what the
// handler hands over, and the test plays the worker.
const enqueued = vi.hoisted(() => ({ ids: [] as string[], fail: false }));
vi.mock("@/lib/queue/run-worker", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/queue/run-worker")>()),
  enqueueRun: async (executionId: string) => {
    if (enqueued.fail) throw new Error("queue down");
    enqueued.ids.push(executionId);
  },
}));

test("Prefer: respond-async is read as RFC 7240 says: a token among others, with parameters, any case", () => {
  expect(prefersAsync("respond-async")).toBe(true);
  expect(prefersAsync("return=minimal, Respond-Async; wait=10")).toBe(true);
  expect(prefersAsync("respond-asynchronously")).toBe(false);
  expect(prefersAsync(null)).toBe(false);
});

describe.each(await testBackends())("asynchronous runs on $name", (backend) => {
  let handle: DbHandle;
  let ownerId: string;
  beforeAll(async () => {
    handle = await backend.open();
    ownerId = (await createUser(handle.db, { email: `async-${Date.now()}@example.com`, name: "C", passwordHash: null }))
      .id;
  });
  afterAll(() => handle?.close());

  const accept = (slug: string, secret: string, input: unknown, headers: Record<string, string> = {}) =>
    createRun(
      handle.db,
      apiRequest(`/agents/${slug}/runs`, { secret, body: { input }, headers: { prefer: "respond-async", ...headers } }),
      { slug },
    );
  const fetchRun = async (id: string, secret: string) =>
    (await getRun(handle.db, apiRequest(`/runs/${id}`, { secret }), { id })).json();
  const cancel = (id: string, secret: string) =>
    cancelRun(handle.db, apiRequest(`/runs/${id}/cancel`, { secret, method: "POST" }), { id });
  const used = async (orgId: string) =>
    (await handle.db.select().from(credits).where(eq(credits.orgId, orgId)))[0]!.used;

  test("202 with the queued run and its credit taken; a worker runs it once, under the same id", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec, "5000");
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 2 });
    const response = await accept(agent.slug, secret, { n: 4 });
    expect(response.status).toBe(202);
    expect(response.headers.get("preference-applied")).toBe("respond-async");
    const body = await response.json();
    expect(response.headers.get("location")).toBe(`/api/v1/runs/${body.id}`);
    expect(body).toMatchObject({ status: "queued", output: null, error: null });
    expect(enqueued.ids).toContain(body.id);
    expect(await used(org.id)).toBe(1);
    expect(await fetchRun(body.id, secret)).toMatchObject({ status: "queued" });

    expect(await processQueuedRun(handle.db, body.id)).toBe(true);
    expect(await fetchRun(body.id, secret)).toMatchObject({
      id: body.id,
      status: "succeeded",
      output: { doubled: 8 },
      creditRefunded: false,
    });
    // A second delivery of the job (a retry) finds nothing to run.
    expect(await processQueuedRun(handle.db, body.id)).toBe(false);
    const rows = await handle.db.select().from(executions).where(eq(executions.orgId, org.id));
    expect(rows).toHaveLength(1);
    expect(await used(org.id)).toBe(1);
  });

  test("refusals are those of a synchronous run: no credit is a 402 and nothing is queued", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret } = await orgWithKey(handle.db, [agent.id], { credits: 1 });
    expect((await accept(agent.slug, secret, { n: 1 })).status).toBe(202);
    const before = enqueued.ids.length;
    const refused = await accept(agent.slug, secret, { n: 2 });
    expect(refused.status).toBe(402);
    expect((await accept(agent.slug, secret, { n: "x" })).status).toBe(422);
    expect(enqueued.ids.length).toBe(before);
  });

  test("an Idempotency-Key retry answers the same run without queueing it again: 202 while queued, 200 once ended", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 5 });
    const first = await (await accept(agent.slug, secret, { n: 3 }, { "idempotency-key": "order-7" })).json();
    const again = await accept(agent.slug, secret, { n: 3 }, { "idempotency-key": "order-7" });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await again.json()).id).toBe(first.id);
    expect(enqueued.ids.filter((id) => id === first.id)).toHaveLength(1);
    await processQueuedRun(handle.db, first.id);
    const ended = await accept(agent.slug, secret, { n: 3 }, { "idempotency-key": "order-7" });
    expect(ended.status).toBe(200);
    expect(await ended.json()).toMatchObject({ id: first.id, status: "succeeded" });
    expect(await used(org.id)).toBe(1);
  });

  test("cancel while it runs: 202, the run stops within seconds as CANCELLED_RUNNING and its credit pays for it", async () => {
    const spinner = agentSpecSchema.parse({
      ...doublerSpec,
      code: "async function handler(input) { const end = Date.now() + 8000; while (Date.now() < end) {} return { doubled: 0 }; }",
      limits: { ...doublerSpec.limits, timeoutMs: 10_000 },
    });
    const agent = await publishedAgent(handle.db, ownerId, spinner);
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 1 });
    const queued = await (await accept(agent.slug, secret, { n: 1 })).json();
    const started = Date.now();
    const running = processQueuedRun(handle.db, queued.id);
    await expect.poll(async () => (await fetchRun(queued.id, secret)).status).toBe("running");
    const response = await cancel(queued.id, secret);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ id: queued.id, status: "running" });
    expect(await running).toBe(true);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(await fetchRun(queued.id, secret)).toMatchObject({
      status: "failed",
      error: { code: "CANCELLED_RUNNING" },
      creditRefunded: false,
    });
    expect(await used(org.id)).toBe(1);
    expect((await cancel(queued.id, secret)).status).toBe(409);
  }, 20_000);

  test("cancel: a queued run ends CANCELLED with its credit back and no worker runs it; an ended run is 409", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 3 });
    const queued = await (await accept(agent.slug, secret, { n: 1 })).json();
    const cancelled = await cancel(queued.id, secret);
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({
      status: "failed",
      error: { code: "CANCELLED" },
      creditRefunded: true,
    });
    expect(await used(org.id)).toBe(0);
    expect(await processQueuedRun(handle.db, queued.id)).toBe(false);
    const again = await cancel(queued.id, secret);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      type: "/docs/api#problem-not-cancellable",
      status: 409,
      runStatus: "failed",
    });

    const ran = await (await accept(agent.slug, secret, { n: 2 })).json();
    await processQueuedRun(handle.db, ran.id);
    expect((await cancel(ran.id, secret)).status).toBe(409);
    expect(await used(org.id)).toBe(1);
    // Another organisation's key cannot see, let alone cancel, the run.
    const other = await orgWithKey(handle.db, [agent.id], { credits: 1 });
    expect((await cancel(ran.id, other.secret)).status).toBe(404);
  });

  test("a queued run no worker takes before its deadline is ended by the reaper, refunded, and never runs", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 1 });
    const queued = await (await accept(agent.slug, secret, { n: 1 })).json();
    // Past the wait allowed in the queue (30 minutes) and the run's own deadline.
    expect(await reapOverdueRuns(handle.db, new Date(Date.now() + 40 * 60_000))).toBeGreaterThanOrEqual(1);
    expect(await fetchRun(queued.id, secret)).toMatchObject({
      status: "failed",
      error: { code: "RUN_INTERRUPTED", message: "No worker started the run in time. Its credit was returned." },
      creditRefunded: true,
    });
    expect(await used(org.id)).toBe(0);
    expect(await processQueuedRun(handle.db, queued.id)).toBe(false);
  });

  test("when the queue cannot take a run, it is not charged and the client is told to retry", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 1 });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    enqueued.fail = true;
    try {
      const response = await accept(agent.slug, secret, { n: 1 });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      const { executionId } = await response.json();
      expect(await fetchRun(executionId, secret)).toMatchObject({ status: "failed", creditRefunded: true });
      expect(await used(org.id)).toBe(0);
    } finally {
      enqueued.fail = false;
      errors.mockRestore();
    }
  });
});
