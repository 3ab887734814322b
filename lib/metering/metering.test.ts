import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "@/db/client";
import { createAgent, publishAgentVersion } from "@/db/queries/agents";
import { createApiKey } from "@/db/queries/api-keys";
import { createOrganization } from "@/db/queries/organizations";
import { authenticateApiKeys } from "@/db/queries/runs";
import { createUser } from "@/db/queries/users";
import { credits, executions, rateLimitWindows } from "@/db/schema";
import { testBackends } from "@/db/testing";
import type { RunOutcome } from "@/lib/agents/runtime/run-agent";
import { generateApiKey } from "@/lib/api/keys";
import { hashCanonical } from "@/lib/canonical-json";
import { reapOverdueRuns } from "./reaper";
import { recordRunEnd } from "./record-end";
import { startRun } from "./start-run";

const failed = (errorCode: string): RunOutcome => ({
  status: "failed",
  output: null,
  outputHash: null,
  errorCode,
  errorMessage: "failed",
  steps: [],
  tokensIn: 0,
  tokensOut: 0,
  durationMs: 1,
});

describe.each(await testBackends())("metering on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  /** An organisation holding credits for a published agent (one grant per entry of `grants`), and a key scoped to it. */
  async function setup(grants: number[], monthlyRunCap: number | null = null) {
    const db = handle.db;
    const user = await createUser(db, { email: `${randomUUID()}@example.com`, name: "Buyer", passwordHash: null });
    const org = await db.transaction((tx) =>
      createOrganization(tx, { name: "Org", slug: `o-${randomUUID()}`, userId: user.id }),
    );
    const agent = await createAgent(db, {
      ownerId: user.id,
      slug: `a-${randomUUID()}`,
      name: "A",
      description: "",
      category: "data",
      tags: [],
    });
    const version = await db.transaction((tx) =>
      publishAgentVersion(tx, {
        agentId: agent.id,
        ownerId: user.id,
        spec: {},
        specHash: "h",
        changelog: "",
        priceWei: "7",
        payees: [],
      }),
    );
    const grantIds: string[] = [];
    for (const granted of grants) {
      const [row] = await db
        .insert(credits)
        .values({ orgId: org.id, agentId: agent.id, granted })
        .returning({ id: credits.id });
      grantIds.push(row!.id);
      await new Promise((r) => setTimeout(r, 5)); // distinct created_at: oldest first
    }
    const generated = generateApiKey();
    const key = await createApiKey(db, {
      orgId: org.id,
      name: "k",
      prefix: generated.prefix,
      keyHash: generated.hash,
      agentIds: [agent.id],
      rateLimitPerMinute: 1000,
      monthlyRunCap,
      pinnedVersionId: null,
      createdBy: user.id,
    });
    const run = (input: unknown, idempotencyKey: string | null = null, versionId = version!.id) =>
      startRun(db, {
        source: "api",
        executionId: randomUUID(),
        agentId: agent.id,
        versionId,
        input,
        inputHash: hashCanonical(input),
        costWei: "7",
        deadlineAt: new Date(Date.now() + 60_000),
        keyId: key.id,
        orgId: org.id,
        pinnedVersionId: null,
        monthlyRunCap,
        idempotencyKey,
        requestHash: idempotencyKey ? hashCanonical({ input }) : null,
      });
    const grantRows = async () =>
      Promise.all(grantIds.map(async (id) => (await db.select().from(credits).where(eq(credits.id, id)))[0]!));
    const rows = () => db.select().from(executions).where(eq(executions.apiKeyId, key.id));
    return { run, grantRows, rows, agent, version: version!, user };
  }

  const settled = async <T>(promises: Promise<T>[]) => Promise.allSettled(promises);

  test("50 concurrent runs against 20 credits: exactly 20 start, 30 get PAYMENT_REQUIRED, none overdraw", async () => {
    const { run, grantRows, rows } = await setup([20]);
    const results = await settled(Array.from({ length: 50 }, (_, i) => run({ i })));
    expect(results.filter((r) => r.status === "fulfilled" && r.value.kind === "started")).toHaveLength(20);
    const refused = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(refused).toHaveLength(30);
    for (const r of refused) expect(r.reason).toMatchObject({ code: "PAYMENT_REQUIRED" });
    expect((await grantRows())[0]).toMatchObject({ granted: 20, used: 20 });
    expect(await rows()).toHaveLength(20);
  });

  test("credits span grants: the oldest grant with runs left pays, then the next, in one batch", async () => {
    const { run, grantRows } = await setup([2, 3]);
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => run({ i })));
    expect(results.every((r) => r.kind === "started")).toBe(true);
    expect((await grantRows()).map((g) => g.used)).toEqual([2, 2]);
  });

  test("10 concurrent requests with one Idempotency-Key: one execution, one credit, the same id for all; another body conflicts", async () => {
    const { run, grantRows, rows } = await setup([5]);
    const results = await Promise.all(Array.from({ length: 10 }, () => run({ n: 7 }, "invoice-1")));
    const ids = new Set(
      results.map((r) => (r.kind === "started" ? r.execution.id : r.kind === "replay" ? r.executionId : null)),
    );
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.kind === "started")).toHaveLength(1);
    expect((await grantRows())[0]!.used).toBe(1);
    expect(await rows()).toHaveLength(1);
    await expect(run({ n: 8 }, "invoice-1")).rejects.toMatchObject({ code: "CONFLICT" });
  });

  test("a version that is no longer the one to run is not charged: the caller is told to look again", async () => {
    const { run, grantRows, agent, user } = await setup([5]);
    await handle.db.transaction((tx) =>
      publishAgentVersion(tx, {
        agentId: agent.id,
        ownerId: user.id,
        spec: {},
        specHash: "h2",
        changelog: "",
        priceWei: "7",
        payees: [],
      }),
    );
    await expect(run({ n: 1 })).resolves.toEqual({ kind: "stale" });
    expect((await grantRows())[0]!.used).toBe(0);
  });

  test("the monthly cap holds under concurrency, and refunded runs do not count", async () => {
    const { run, agent, version } = await setup([50], 3);
    const results = await settled(Array.from({ length: 8 }, (_, i) => run({ i })));
    const started = results
      .filter((r) => r.status === "fulfilled")
      .map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof run>>>).value);
    expect(started).toHaveLength(3);
    for (const r of results.filter((r) => r.status === "rejected"))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "MONTHLY_CAP_REACHED" });
    const first = started[0]!;
    if (first.kind !== "started") throw new Error("expected a new run");
    await recordRunEnd(
      handle.db,
      {
        id: first.execution.id,
        startedAt: first.execution.startedAt,
        agentId: agent.id,
        versionId: version.id,
        inputHash: "h",
        costWei: "7",
        charged: true,
      },
      failed("INTERNAL"),
    );
    await expect(run({ again: true })).resolves.toMatchObject({ kind: "started" });
  });

  test.each([
    ["a platform failure", "PROVIDER_ERROR", true],
    ["a busy sandbox", "SANDBOX_BUSY", true],
    ["the agent's own failure", "AGENT_FAILED", false],
  ])(
    "%s: the end is recorded once, and the credit comes back only for the platform's failures, once",
    async (_name, code, refunded) => {
      const { run, grantRows, rows, agent, version } = await setup([2]);
      const started = await run({});
      if (started.kind !== "started") throw new Error("expected a new run");
      const startedRun = {
        id: started.execution.id,
        startedAt: started.execution.startedAt,
        agentId: agent.id,
        versionId: version.id,
        inputHash: "h",
        costWei: "7",
        charged: true,
      };
      expect(await recordRunEnd(handle.db, startedRun, failed(code))).toMatchObject({ creditRefunded: refunded });
      expect(await recordRunEnd(handle.db, startedRun, failed(code))).toMatchObject({ creditRefunded: false });
      expect((await grantRows())[0]!.used).toBe(refunded ? 0 : 1);
      expect((await rows())[0]).toMatchObject({ status: "failed", errorCode: code, creditRefunded: refunded });
    },
  );

  test("a run left running by a killed process ends failed past its deadline, with its credit back, once", async () => {
    const { run, grantRows, rows } = await setup([3]);
    const started = await run({ crash: true });
    if (started.kind !== "started") throw new Error("expected a new run");
    const alive = await run({ alive: true });
    await handle.db
      .update(executions)
      .set({ deadlineAt: new Date(Date.now() - 1_000) })
      .where(eq(executions.id, started.execution.id));
    // Two reapers at once (two app instances after a restart): the run ends once.
    const [a, b] = await Promise.all([reapOverdueRuns(handle.db), reapOverdueRuns(handle.db)]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    const byId = new Map((await rows()).map((r) => [r.id, r]));
    expect(byId.get(started.execution.id)).toMatchObject({
      status: "failed",
      errorCode: "RUN_INTERRUPTED",
      creditRefunded: true,
    });
    expect(byId.get(started.execution.id)!.receiptHash).toMatch(/^[0-9a-f]{64}$/);
    // The run still within its deadline is left alone.
    expect(byId.get(alive.kind === "started" ? alive.execution.id : "")).toMatchObject({ status: "running" });
    expect((await grantRows())[0]!.used).toBe(1);
    expect(await reapOverdueRuns(handle.db)).toBe(0);
    expect((await grantRows())[0]!.used).toBe(1);
  });

  test("rate limits: each request has its own position in the key's window; a new window drops the old ones", async () => {
    const generated = generateApiKey();
    const { user } = await setup([]);
    const org = await handle.db.transaction((tx) =>
      createOrganization(tx, { name: "W", slug: `w-${randomUUID()}`, userId: user.id }),
    );
    const key = await createApiKey(handle.db, {
      orgId: org.id,
      name: "w",
      prefix: generated.prefix,
      keyHash: generated.hash,
      agentIds: [],
      rateLimitPerMinute: 10,
      monthlyRunCap: null,
      pinnedVersionId: null,
      createdBy: user.id,
    });
    const windows = () => handle.db.select().from(rateLimitWindows).where(eq(rateLimitWindows.apiKeyId, key.id));
    const first = new Date("2026-12-04T10:00:00Z");
    const counts = await authenticateApiKeys(handle.db, {
      keyHashes: [generated.hash, generated.hash, "unknown"],
      windowStart: first,
      now: first,
    });
    expect(counts.map((k) => k?.requestCount)).toEqual([1, 2, undefined]);
    expect(
      (await authenticateApiKeys(handle.db, { keyHashes: [generated.hash], windowStart: first, now: first }))[0]!
        .requestCount,
    ).toBe(3);
    const next = new Date("2026-12-04T10:01:00Z");
    expect(
      (await authenticateApiKeys(handle.db, { keyHashes: [generated.hash], windowStart: next, now: next }))[0]!
        .requestCount,
    ).toBe(1);
    expect(await windows()).toEqual([expect.objectContaining({ windowStart: next, count: 1 })]);
  });

  test("playground quotas: runs going at once and runs per minute", async () => {
    const { agent, user } = await setup([]);
    const start = (quotas: { maxRunning: number; maxPerMinute: number; maxTokensPerDay: number }) =>
      startRun(handle.db, {
        source: "playground",
        executionId: randomUUID(),
        agentId: agent.id,
        versionId: null,
        input: {},
        inputHash: "h",
        costWei: "0",
        deadlineAt: new Date(Date.now() + 60_000),
        userId: user.id,
        quotas,
      });
    const wide = { maxRunning: 100, maxPerMinute: 100, maxTokensPerDay: 1_000 };
    const results = await settled(Array.from({ length: 5 }, () => start({ ...wide, maxRunning: 2 })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({
      code: "RATE_LIMITED",
      message: expect.stringMatching(/2 playground runs going/),
    });
    await expect(start({ ...wide, maxPerMinute: 2 })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      message: expect.stringMatching(/runs a minute/),
    });
    await expect(start({ ...wide, maxTokensPerDay: 0 })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      message: expect.stringMatching(/model tokens/),
    });
  });
});
