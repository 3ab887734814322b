import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "@/db/client";
import { createAgent, publishAgentVersion } from "@/db/queries/agents";
import { createApiKey } from "@/db/queries/api-keys";
import { createOrganization } from "@/db/queries/organizations";
import { createUser } from "@/db/queries/users";
import { credits, executions } from "@/db/schema";
import { testBackends } from "@/db/testing";
import { generateApiKey } from "./keys";
import { meterRun, refundCredit, requestHashOf } from "./metering";

describe.each(await testBackends())("metering on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  /** An organisation holding `runs` credits for a published agent, and a key scoped to it. */
  async function setup(runs: number, monthlyRunCap: number | null = null) {
    const db = handle.db;
    const user = await createUser(db, { email: `${randomUUID()}@example.com`, name: "Buyer", passwordHash: null });
    const org = await db.transaction((tx) => createOrganization(tx, { name: "Org", slug: `o-${randomUUID()}`, userId: user.id }));
    const agent = await createAgent(db, { ownerId: user.id, slug: `a-${randomUUID()}`, name: "A", description: "", category: "data", tags: [] });
    const version = await db.transaction((tx) => publishAgentVersion(tx, { agentId: agent.id, ownerId: user.id, spec: {}, specHash: "h", changelog: "", priceWei: "7", payees: [] }));
    const [credit] = await db.insert(credits).values({ orgId: org.id, agentId: agent.id, granted: runs }).returning({ id: credits.id });
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
    const run = (input: unknown, idempotencyKey: string | null = null) =>
      meterRun(db, {
        key,
        agentId: agent.id,
        versionId: version!.id,
        input,
        inputHash: "h",
        idempotencyKey,
        requestHash: requestHashOf({ agentId: agent.id, versionId: version!.id, input }),
        costWei: "7",
      });
    const creditRow = async () => (await db.select().from(credits).where(eq(credits.id, credit!.id)))[0]!;
    const rows = () => db.select().from(executions).where(eq(executions.apiKeyId, key.id));
    return { run, creditRow, rows };
  }

  test("50 concurrent runs against 20 credits: exactly 20 start, 30 get PAYMENT_REQUIRED, none overdraw", async () => {
    const { run, creditRow, rows } = await setup(20);
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => run({ i })));
    const started = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(started).toHaveLength(20);
    expect(refused).toHaveLength(30);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "PAYMENT_REQUIRED" });
    expect(await creditRow()).toMatchObject({ granted: 20, used: 20 });
    expect(await rows()).toHaveLength(20);
  });

  test("10 concurrent requests with one Idempotency-Key: one execution, one credit, the same id for all", async () => {
    const { run, creditRow, rows } = await setup(5);
    const results = await Promise.all(Array.from({ length: 10 }, () => run({ q: "same" }, "order-42")));
    const ids = new Set(results.map((r) => (r.kind === "started" ? r.execution.id : r.executionId)));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.kind === "started")).toHaveLength(1);
    expect((await creditRow()).used).toBe(1);
    expect(await rows()).toHaveLength(1);
    // A later retry replays too; the same key with a different body is refused.
    expect(await run({ q: "same" }, "order-42")).toMatchObject({ kind: "replay" });
    await expect(run({ q: "different" }, "order-42")).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await creditRow()).used).toBe(1);
  });

  test("credits span grants: the oldest grant with runs left pays", async () => {
    const { run, creditRow } = await setup(1);
    await run({});
    await expect(run({})).rejects.toMatchObject({ code: "PAYMENT_REQUIRED" });
    expect((await creditRow()).used).toBe(1);
  });

  test("a platform failure refunds the credit once", async () => {
    const { run, creditRow } = await setup(2);
    const started = await run({});
    if (started.kind !== "started") throw new Error("expected a new run");
    expect((await creditRow()).used).toBe(1);
    expect(await refundCredit(handle.db, { executionId: started.execution.id })).toBe(true);
    expect(await refundCredit(handle.db, { executionId: started.execution.id })).toBe(false);
    expect((await creditRow()).used).toBe(0);
  });

  test("the monthly cap holds under concurrency and refunded runs do not count", async () => {
    const { run } = await setup(50, 3);
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => run({ i })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    for (const r of results.filter((r) => r.status === "rejected")) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "MONTHLY_CAP_REACHED" });
    const first = results.find((r) => r.status === "fulfilled") as PromiseFulfilledResult<Awaited<ReturnType<typeof run>>>;
    if (first.value.kind !== "started") throw new Error("expected a new run");
    await refundCredit(handle.db, { executionId: first.value.execution.id });
    await expect(run({ again: true })).resolves.toMatchObject({ kind: "started" });
  });
});
