import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi, type MockInstance } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db/client";
import { publishAgentVersion } from "@/db/queries/agents";
import { createUser } from "@/db/queries/users";
import { credits, executions } from "@/db/schema";
import { testBackends } from "@/db/testing";
import { SandboxPool } from "@/lib/agents/runtime/sandbox";
import { computeReceiptHash } from "@/lib/agents/runtime/receipt";
import { receiptFieldsOf } from "@/lib/receipts/proof";
import { createRun } from "./handlers/create-run";
import { apiRequest, doublerSpec, orgWithKey, publishedAgent } from "./fixtures.testing";
import { problemTypeUri } from "./problem";

/**
 * The fast path (lib/api/handlers/create-run.ts): once a slug has resolved, requests are
 * authenticated, counted and charged by one batched statement per group of concurrent
 * requests (db/queries/api-metering.ts). Each test first makes one run so the version is
 * known, then checks that the batched statement keeps every rule of the general path.
 */
describe.each(await testBackends())("batched metering on $name", (backend) => {
  let handle: DbHandle;
  let ownerId: string;
  beforeAll(async () => {
    handle = await backend.open();
    ownerId = (await createUser(handle.db, { email: `fast-${Date.now()}@example.com`, name: "Creator", passwordHash: null })).id;
  });
  afterAll(() => handle?.close());

  // Every batch must succeed as a batch: a batch that fails falls back to one statement per
  // request (still correct, thanks to the credits CHECK), which would hide a wrong batch.
  let warn: MockInstance<typeof console.warn>;
  beforeEach(() => {
    warn = vi.spyOn(console, "warn");
  });
  afterEach(() => {
    expect(warn.mock.calls.filter((call) => String(call[0]).includes("[coalesce]"))).toEqual([]);
    warn.mockRestore();
  });

  const run = (slug: string, secret: string, input: unknown) => createRun(handle.db, apiRequest(`/agents/${slug}/runs`, { secret, body: { input } }), slug);

  test("50 concurrent runs against 20 credits left: exactly 20 run, 30 get 402, credits end at 0, each request its own rate-limit position", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 21, rateLimitPerMinute: 1000 });
    expect((await run(agent.slug, secret, { n: 0 })).status).toBe(201);

    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => run(agent.slug, secret, { n: i })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.filter((s) => s === 402)).toHaveLength(30);
    for (const response of responses.filter((r) => r.status === 402)) expect((await response.json()).type).toBe(problemTypeUri("payment-required"));
    const remaining = responses.map((r) => Number(r.headers.get("ratelimit-remaining"))).sort((a, b) => a - b);
    expect(new Set(remaining).size).toBe(50);
    expect(remaining[0]).toBeGreaterThanOrEqual(1000 - 51);

    const [credit] = await handle.db.select().from(credits).where(eq(credits.orgId, org.id));
    expect(credit).toMatchObject({ granted: 21, used: 21 });
    const rows = await handle.db.select({ status: executions.status }).from(executions).where(eq(executions.orgId, org.id));
    expect(rows).toHaveLength(21);
    expect(rows.every((r) => r.status === "succeeded")).toBe(true);
  });

  test("credits come from the oldest grant first, then the next one", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 2 });
    expect((await run(agent.slug, secret, { n: 0 })).status).toBe(201);
    await handle.db.insert(credits).values({ orgId: org.id, agentId: agent.id, granted: 5, createdAt: new Date(Date.now() + 1000) });

    const statuses = (await Promise.all(Array.from({ length: 7 }, (_, i) => run(agent.slug, secret, { n: i })))).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(6);
    expect(statuses.filter((s) => s === 402)).toHaveLength(1);
    const grants = await handle.db.select({ granted: credits.granted, used: credits.used }).from(credits).where(eq(credits.orgId, org.id)).orderBy(credits.createdAt);
    expect(grants).toEqual([{ granted: 2, used: 2 }, { granted: 5, used: 5 }]);
  });

  test("a revoked key is refused at once, and counts nothing", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret, org, revoke } = await orgWithKey(handle.db, [agent.id], { credits: 5 });
    expect((await run(agent.slug, secret, { n: 1 })).status).toBe(201);
    await revoke();
    const responses = await Promise.all([run(agent.slug, secret, { n: 2 }), run(agent.slug, secret, { n: 3 })]);
    expect(responses.map((r) => r.status)).toEqual([401, 401]);
    const [credit] = await handle.db.select().from(credits).where(eq(credits.orgId, org.id));
    expect(credit!.used).toBe(1);
  });

  test("past the per-minute limit: 429 with Retry-After, and nothing charged", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 50, rateLimitPerMinute: 5 });
    expect((await run(agent.slug, secret, { n: 0 })).status).toBe(201);
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => run(agent.slug, secret, { n: i })));
    const limited = responses.filter((r) => r.status === 429);
    // A window boundary between requests would reset the count; then fewer are limited.
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.length + responses.filter((r) => r.status === 201).length).toBe(8);
    expect(limited[0]!.headers.get("retry-after")).toMatch(/^\d+$/);
    const [credit] = await handle.db.select().from(credits).where(eq(credits.orgId, org.id));
    expect(credit!.used).toBe(1 + 8 - limited.length);
  });

  test("a new version is run (and validated) even though the previous one was cached", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 5 });
    expect((await (await run(agent.slug, secret, { n: 1 })).json()).version).toBe(1);
    const tripler = { ...doublerSpec, code: "async function handler(input) { return { doubled: input.n * 3 }; }" };
    await handle.db.transaction((tx) => publishAgentVersion(tx, { agentId: agent.id, ownerId, spec: tripler, specHash: "h2", changelog: "", priceWei: "2000", payees: [] }));

    const second = await run(agent.slug, secret, { n: 1 });
    expect(second.status).toBe(201);
    expect(await second.json()).toMatchObject({ version: 2, output: { doubled: 3 }, costWei: "2000" });
    const rows = await handle.db.execute(sql`select count(*)::int as n from executions where org_id = ${org.id}`);
    expect((rows as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(2);
  });

  test("a key with a monthly cap and a key out of scope still get their answers", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const other = await publishedAgent(handle.db, ownerId, doublerSpec);
    const capped = await orgWithKey(handle.db, [agent.id], { credits: 10, monthlyRunCap: 2 });
    expect((await run(agent.slug, capped.secret, { n: 1 })).status).toBe(201);
    const statuses = (await Promise.all([1, 2, 3].map((n) => run(agent.slug, capped.secret, { n })))).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 429, 429]);

    const elsewhere = await orgWithKey(handle.db, [other.id], { credits: 10 });
    const scoped = await run(agent.slug, elsewhere.secret, { n: 1 });
    expect(scoped.status).toBe(403);
    const invalid = await run(agent.slug, capped.secret, { n: "one" });
    expect(invalid.status).toBe(422);
  });
  describe("a self-contained agent runs first and is recorded by the statement that charges it", () => {
    /** The metering and finishing statements sent while `work` runs. */
    async function statementsDuring<T>(work: () => Promise<T>) {
      const execute = vi.spyOn(handle.db, "execute");
      try {
        const result = await work();
        const texts = execute.mock.calls.map(([query]) => (handle.db as unknown as { dialect: { sqlToQuery(q: unknown): { sql: string } } }).dialect.sqlToQuery(query).sql);
        return { result, starts: texts.filter((t) => t.includes("start_metered_runs")).length, finishes: texts.filter((t) => t.includes("finish_executions")).length };
      } finally {
        execute.mockRestore();
      }
    }

    test("one statement per batch, no finish; each row is inserted finished with a receipt that verifies; 30 of 50 refused with 402", async () => {
      const agent = await publishedAgent(handle.db, ownerId, { ...doublerSpec, code: `async function handler(input, ctx) { ctx.log("n is", input.n); return { doubled: input.n * 2 }; }` });
      const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 22 });
      // The first run resolves the slug (general path); the second is charged by the batched statement.
      for (const n of [0, 1]) expect((await run(agent.slug, secret, { n })).status).toBe(201);

      const { result: responses, starts, finishes } = await statementsDuring(() => Promise.all(Array.from({ length: 50 }, (_, i) => run(agent.slug, secret, { n: i }))));
      expect(responses.filter((r) => r.status === 201)).toHaveLength(20);
      expect(responses.filter((r) => r.status === 402)).toHaveLength(30);
      expect(finishes).toBe(0);
      expect(starts).toBeGreaterThanOrEqual(1);

      const [credit] = await handle.db.select().from(credits).where(eq(credits.orgId, org.id));
      expect(credit).toMatchObject({ granted: 22, used: 22 });
      const rows = await handle.db.select().from(executions).where(eq(executions.orgId, org.id));
      expect(rows).toHaveLength(22);
      for (const response of responses.filter((r) => r.status === 201)) {
        const body = await response.json();
        const row = rows.find((r) => r.id === body.id)!;
        expect(row).toMatchObject({ status: "succeeded", output: body.output, receiptHash: body.receiptHash, creditRefunded: false, source: "api" });
        expect(row.steps).toEqual([expect.objectContaining({ type: "log", message: `n is ${body.output.doubled / 2}` })]);
        expect(row.startedAt.toISOString()).toBe(body.startedAt);
        expect(row.finishedAt!.getTime()).toBeGreaterThanOrEqual(row.startedAt.getTime());
        expect(computeReceiptHash(receiptFieldsOf(row)!)).toBe(row.receiptHash);
      }
    });

    test("the agent's own failure is charged and recorded like any other run", async () => {
      const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
      const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 5 });
      for (const n of [0, 1]) expect((await run(agent.slug, secret, { n })).status).toBe(201);
      const { result: response, finishes } = await statementsDuring(() => run(agent.slug, secret, { n: 2, fail: true }));
      expect(finishes).toBe(0);
      expect(response.status).toBe(201);
      const body = await response.json();
      expect(body).toMatchObject({ status: "failed", error: { code: "AGENT_FAILED" }, creditRefunded: false });
      const [row] = await handle.db.select().from(executions).where(eq(executions.id, body.id));
      expect(row).toMatchObject({ status: "failed", errorCode: "AGENT_FAILED", orgId: org.id });
    });

    test("once a key is refused, its next request is refused before any code runs", async () => {
      const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
      const { secret } = await orgWithKey(handle.db, [agent.id], { credits: 2 });
      for (const n of [0, 1]) expect((await run(agent.slug, secret, { n })).status).toBe(201);
      const sandboxRuns = vi.spyOn(SandboxPool.prototype, "run");
      try {
        // Still running first (the last request was charged): the run is wasted, nothing is charged.
        expect((await run(agent.slug, secret, { n: 2 })).status).toBe(402);
        expect(sandboxRuns).toHaveBeenCalledTimes(1);
        // Now refused before the code runs.
        expect((await run(agent.slug, secret, { n: 3 })).status).toBe(402);
        expect(sandboxRuns).toHaveBeenCalledTimes(1);
      } finally {
        sandboxRuns.mockRestore();
      }
    });

    test("an agent with a tool is charged before it runs, and finished after", async () => {
      const agent = await publishedAgent(handle.db, ownerId, { ...doublerSpec, tools: ["run_code"] });
      const { secret } = await orgWithKey(handle.db, [agent.id], { credits: 5 });
      for (const n of [0, 1]) expect((await run(agent.slug, secret, { n })).status).toBe(201);
      const { result: response, starts, finishes } = await statementsDuring(() => run(agent.slug, secret, { n: 2 }));
      expect(response.status).toBe(201);
      expect({ starts, finishes }).toEqual({ starts: 1, finishes: 1 });
    });
  });
});
