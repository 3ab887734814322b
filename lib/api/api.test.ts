import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db/client";
import { getExecutionForOrgMember } from "@/db/queries/api-runs";
import { getExecutionForOwner, listExecutionsForOwner } from "@/db/queries/executions";
import { createUser } from "@/db/queries/users";
import { credits, executions } from "@/db/schema";
import { testBackends } from "@/db/testing";
import { createRun } from "./handlers/create-run";
import { getRun } from "./handlers/get-run";
import { getUsage } from "./handlers/get-usage";
import { listAgents } from "./handlers/list-agents";
import { apiRequest, doublerSpec, modelSpec, orgWithKey, publishedAgent } from "./fixtures.testing";
import { agentSpecSchema } from "@/lib/agents/spec";
import { problemTypeUri } from "./problem";

describe.each(await testBackends())("public API on $name", (backend) => {
  let handle: DbHandle;
  let ownerId: string;
  beforeAll(async () => {
    handle = await backend.open();
    ownerId = (
      await createUser(handle.db, { email: `creator-${Date.now()}@example.com`, name: "Creator", passwordHash: null })
    ).id;
  });
  afterAll(() => handle?.close());

  const run = (slug: string, secret: string | null, body: unknown, headers?: Record<string, string>) =>
    createRun(handle.db, apiRequest(`/agents/${slug}/runs`, { secret, body, headers }), { slug: slug });

  test("a metered run returns the recorded execution, takes one credit and carries rate-limit headers", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec, "5000");
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 3, rateLimitPerMinute: 100 });
    const response = await run(agent.slug, secret, { input: { n: 21 } });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toMatchObject({
      agent: agent.slug,
      version: 1,
      status: "succeeded",
      output: { doubled: 42 },
      error: null,
      costWei: "5000",
      creditRefunded: false,
    });
    expect(body.receiptHash).toMatch(/^[0-9a-f]{64}$/);
    expect(response.headers.get("location")).toBe(`/api/v1/runs/${body.id}`);
    // The request's id is on the answer and kept on the run it started.
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.requestId).toBe(response.headers.get("x-request-id"));
    expect(response.headers.get("ratelimit-limit")).toBe("100");
    expect(response.headers.get("ratelimit-remaining")).toBe("99");
    const [credit] = await handle.db.select().from(credits).where(eq(credits.orgId, org.id));
    expect(credit).toMatchObject({ granted: 3, used: 1 });

    const fetched = await getRun(handle.db, apiRequest(`/runs/${body.id}`, { secret }), { id: body.id });
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toEqual(body);
    // The buyer's input and output are theirs: the agent's creator does not see the run.
    expect(await listExecutionsForOwner(handle.db, { agentId: agent.id, ownerId })).toEqual([]);
    expect(await getExecutionForOwner(handle.db, { executionId: body.id, ownerId })).toBeUndefined();
  });

  test("a buying organisation sees input, output, status, usage and receipt of its run, never the creator's steps", async () => {
    const spec = agentSpecSchema.parse({
      ...doublerSpec,
      code: `async function handler(input, ctx) { ctx.log("creator secret: internal pricing table"); return { doubled: input.n * 2 }; }`,
    });
    const agent = await publishedAgent(handle.db, ownerId, spec);
    const { secret, org, user } = await orgWithKey(handle.db, [agent.id], { credits: 1 });
    const body = await (await run(agent.slug, secret, { input: { n: 4 } })).json();
    const [stored] = await handle.db.select().from(executions).where(eq(executions.id, body.id));
    expect(JSON.stringify(stored!.steps)).toContain("creator secret");
    const seen = await getExecutionForOrgMember(handle.db, { executionId: body.id, orgId: org.id, userId: user.id });
    expect(seen?.execution).toMatchObject({ input: { n: 4 }, output: { doubled: 8 }, status: "succeeded" });
    expect(seen?.execution.receiptHash).toMatch(/^[0-9a-f]{64}$/);
    expect(seen?.execution).not.toHaveProperty("steps");
    expect(JSON.stringify(seen)).not.toContain("creator secret");
    expect(JSON.stringify(body)).not.toContain("creator secret");
  });

  test("an address presenting 60 unknown keys in a minute gets 429 with Retry-After; other addresses do not", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret } = await orgWithKey(handle.db, [agent.id], { credits: 5 });
    const from = (address: string, key: string) =>
      run(agent.slug, key, { input: { n: 1 } }, { "x-forwarded-for": address });
    const guesser = `10.77.${Math.floor(Math.random() * 250)}.1`;
    for (let i = 0; i < 60; i++) expect((await from(guesser, `anm_live_${"g".repeat(31)}${i % 10}`)).status).toBe(401);
    const throttled = await from(guesser, `anm_live_${"g".repeat(32)}`);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await from(`10.78.${Math.floor(Math.random() * 250)}.1`, secret)).status).toBe(201);
  });

  test("keys are refused with the right status: missing, malformed, unknown, revoked, out of scope, another organisation's", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const other = await publishedAgent(handle.db, ownerId, doublerSpec);
    const mine = await orgWithKey(handle.db, [agent.id], { credits: 5 });
    const theirs = await orgWithKey(handle.db, [other.id], { credits: 5 });
    const logs = vi.spyOn(console, "error");
    const warns = vi.spyOn(console, "warn");
    const logged = vi.spyOn(console, "log");

    const missing = await run(agent.slug, null, { input: { n: 1 } });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await missing.json()).type).toBe(problemTypeUri("invalid-api-key"));
    const malformed = await createRun(
      handle.db,
      apiRequest(`/agents/${agent.slug}/runs`, { body: { input: { n: 1 } }, headers: { authorization: "Basic abc" } }),
      { slug: agent.slug },
    );
    expect(malformed.status).toBe(401);
    expect((await run(agent.slug, "anm_live_not-a-real-key", { input: { n: 1 } })).status).toBe(401);
    expect((await run(agent.slug, `anm_live_${"x".repeat(32)}`, { input: { n: 1 } })).status).toBe(401);

    const scoped = await run(other.slug, mine.secret, { input: { n: 1 } });
    expect(scoped.status).toBe(403);
    expect((await scoped.json()).type).toBe(problemTypeUri("out-of-scope"));
    // Another organisation's run is not found with this key, even by id.
    const theirRun = await (await run(other.slug, theirs.secret, { input: { n: 2 } })).json();
    expect(
      (await getRun(handle.db, apiRequest(`/runs/${theirRun.id}`, { secret: mine.secret }), { id: theirRun.id }))
        .status,
    ).toBe(404);

    await mine.revoke();
    const revoked = await run(agent.slug, mine.secret, { input: { n: 1 } });
    expect(revoked.status).toBe(401);
    expect(await revoked.text()).not.toContain(mine.secret);
    // No key material in anything logged.
    for (const spy of [logs, warns, logged]) {
      for (const call of spy.mock.calls) expect(JSON.stringify(call)).not.toMatch(/anm_live_/);
    }
    const [row] = await handle.db.select().from(executions).where(eq(executions.id, theirRun.id));
    expect(JSON.stringify(row)).not.toContain(theirs.secret);
    vi.restoreAllMocks();
  });

  test("404 for an unknown agent, 400 for malformed JSON, 415 for another content type, 413 past 1 MiB, 422 for input that breaks the schema, 402 when credits run out", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret } = await orgWithKey(handle.db, [agent.id], { credits: 1 });
    expect((await run("no-such-agent", secret, { input: {} })).status).toBe(404);
    const notJson = await run(agent.slug, secret, "{ nope");
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).type).toBe(problemTypeUri("malformed-request"));
    const text = await createRun(
      handle.db,
      apiRequest(`/agents/${agent.slug}/runs`, { secret, body: "{}", headers: { "content-type": "text/plain" } }),
      { slug: agent.slug },
    );
    expect(text.status).toBe(415);
    const huge = await run(agent.slug, secret, { input: { n: 1, pad: "x".repeat(1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect((await huge.json()).type).toBe(problemTypeUri("payload-too-large"));
    expect((await run(agent.slug, secret, { n: 1 })).status).toBe(422);
    const invalid = await run(agent.slug, secret, { input: { n: "one" } });
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).errors.input[0]).toMatch(/n/);
    // None of those took the credit.
    expect((await run(agent.slug, secret, { input: { n: 1 } })).status).toBe(201);
    const broke = await run(agent.slug, secret, { input: { n: 1 } });
    expect(broke.status).toBe(402);
    expect((await broke.json()).type).toBe(problemTypeUri("payment-required"));
  });

  test("input Postgres cannot store or that nests too deeply is a 422 that says why; nothing is charged or logged", async () => {
    const agent = await publishedAgent(handle.db, ownerId, { ...doublerSpec, inputSchema: { type: "object" } });
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 5 });
    const logs = [vi.spyOn(console, "error"), vi.spyOn(console, "warn"), vi.spyOn(console, "log")];
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        // The second attempt comes after a charged run, when the key's requests take the batched path.
        const zero = await run(agent.slug, secret, { input: { n: 1, text: "secret-marker\u0000" } });
        expect(zero.status).toBe(422);
        expect((await zero.json()).detail).toMatch(/U\+0000/);
        const key = await run(agent.slug, secret, { input: { n: 1, ["k\u0000"]: 1 } });
        expect(key.status).toBe(422);
        const deep = await run(
          agent.slug,
          secret,
          `{"input":{"n":1,"deep":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`,
        );
        expect(deep.status).toBe(422);
        expect((await deep.json()).detail).toMatch(/nests deeper than 64 levels/);
        expect((await run(agent.slug, secret, { input: { n: 1 } })).status).toBe(201);
      }
      const [credit] = await handle.db.select().from(credits).where(eq(credits.orgId, org.id));
      expect(credit!.used).toBe(2);
      for (const spy of logs)
        for (const call of spy.mock.calls) expect(JSON.stringify(call)).not.toMatch(/secret-marker|anm_live_/);
    } finally {
      for (const spy of logs) spy.mockRestore();
    }
  });

  test("50 concurrent requests against 20 credits: exactly 20 runs, 30 × 402, credits end at 0", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 20 });
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => run(agent.slug, secret, { input: { n: i } }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.filter((s) => s === 402)).toHaveLength(30);
    const [credit] = await handle.db.select().from(credits).where(eq(credits.orgId, org.id));
    expect(credit!.granted - credit!.used).toBe(0);
    expect(
      await handle.db.select({ id: executions.id }).from(executions).where(eq(executions.orgId, org.id)),
    ).toHaveLength(20);
  }, 60_000);

  test("10 concurrent requests with one Idempotency-Key: one execution, one credit; a different body is 409", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 5 });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        run(agent.slug, secret, { input: { n: 7 } }, { "idempotency-key": "invoice-2026-001" }),
      ),
    );
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200 && r.headers.get("idempotent-replayed") === "true")).toHaveLength(
      9,
    );
    expect(bodies.every((b) => b.status === "succeeded" && b.output.doubled === 14)).toBe(true);
    const [credit] = await handle.db.select().from(credits).where(eq(credits.orgId, org.id));
    expect(credit!.used).toBe(1);
    const conflict = await run(agent.slug, secret, { input: { n: 8 } }, { "idempotency-key": "invoice-2026-001" });
    expect(conflict.status).toBe(409);
    expect((await conflict.json()).type).toBe(problemTypeUri("idempotency-conflict"));
    expect(
      (await run(agent.slug, secret, { input: { n: 8 } }, { "idempotency-key": "bad key with spaces" })).status,
    ).toBe(422);
  });

  test("the per-minute limit answers 429 with Retry-After; the monthly cap too", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const limited = await orgWithKey(handle.db, [agent.id], { credits: 10, rateLimitPerMinute: 2 });
    expect((await listAgents(handle.db, apiRequest("/agents", { secret: limited.secret }))).status).toBe(200);
    expect((await listAgents(handle.db, apiRequest("/agents", { secret: limited.secret }))).status).toBe(200);
    const third = await listAgents(handle.db, apiRequest("/agents", { secret: limited.secret }));
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(third.headers.get("ratelimit-remaining")).toBe("0");
    expect((await third.json()).type).toBe(problemTypeUri("rate-limited"));

    const capped = await orgWithKey(handle.db, [agent.id], { credits: 10, monthlyRunCap: 1 });
    expect((await run(agent.slug, capped.secret, { input: { n: 1 } })).status).toBe(201);
    const over = await run(agent.slug, capped.secret, { input: { n: 1 } });
    expect(over.status).toBe(429);
    expect((await over.json()).type).toBe(problemTypeUri("monthly-cap-reached"));
  });

  test("a platform failure returns the credit; the agent's own failure is charged", async () => {
    const coded = await publishedAgent(handle.db, ownerId, doublerSpec);
    const modeled = await publishedAgent(handle.db, ownerId, modelSpec);
    const { secret, org } = await orgWithKey(handle.db, [coded.id, modeled.id], { credits: 2 });
    const own = await (await run(coded.slug, secret, { input: { n: 1, fail: true } })).json();
    expect(own).toMatchObject({ status: "failed", creditRefunded: false });
    const platform = await (await run(modeled.slug, secret, { input: { q: "hi" } })).json();
    expect(platform).toMatchObject({
      status: "failed",
      error: { code: "PROVIDER_NOT_CONFIGURED" },
      creditRefunded: true,
    });
    const rows = await handle.db.select().from(credits).where(eq(credits.orgId, org.id));
    expect(rows.find((c) => c.agentId === coded.id)!.used).toBe(1);
    expect(rows.find((c) => c.agentId === modeled.id)!.used).toBe(0);

    const usage = await (await getUsage(handle.db, apiRequest("/usage", { secret }))).json();
    expect(usage.byAgentAndKey).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agent: coded.slug, runs: 1, failed: 1, refunded: 0, creditsUsed: 1 }),
        expect.objectContaining({ agent: modeled.slug, runs: 1, failed: 1, refunded: 1, creditsUsed: 0 }),
      ]),
    );
    expect(usage.byDay).toEqual([expect.objectContaining({ runs: 2, failed: 2, refunded: 1 })]);
    expect((await getUsage(handle.db, apiRequest("/usage?from=2026-13-01", { secret }))).status).toBe(422);
  });

  test("a pinned version is what runs", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { publishAgentVersion } = await import("@/db/queries/agents");
    await handle.db.transaction((tx) =>
      publishAgentVersion(tx, {
        agentId: agent.id,
        ownerId,
        spec: { ...doublerSpec, code: "async function handler(input) { return { doubled: 0 }; }" },
        specHash: "h2",
        changelog: "",
        priceWei: "1",
        payees: [],
      }),
    );
    const pinned = await orgWithKey(handle.db, [agent.id], { credits: 2, pinnedVersionId: agent.versionId });
    expect(await (await run(agent.slug, pinned.secret, { input: { n: 2 } })).json()).toMatchObject({
      version: 1,
      output: { doubled: 4 },
    });
    const current = await orgWithKey(handle.db, [agent.id], { credits: 2 });
    expect(await (await run(agent.slug, current.secret, { input: { n: 2 } })).json()).toMatchObject({
      version: 2,
      output: { doubled: 0 },
    });
  });

  test("a database failure on the batched path is a 500 problem, not an unhandled error", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret } = await orgWithKey(handle.db, [agent.id], { credits: 5 });
    expect((await run(agent.slug, secret, { input: { n: 1 } })).status).toBe(201);
    const execute = vi.spyOn(handle.db, "execute").mockRejectedValue(new Error("connection lost"));
    const quiet = [
      vi.spyOn(console, "error").mockImplementation(() => {}),
      vi.spyOn(console, "warn").mockImplementation(() => {}),
    ];
    try {
      const response = await run(agent.slug, secret, { input: { n: 2 } });
      expect(response.status).toBe(500);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect((await response.json()).type).toBe(problemTypeUri("internal"));
      expect(execute).toHaveBeenCalled();
      // The failure is one structured line with the request's id, and no customer data.
      const lines = quiet[0]!.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith("{"));
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === "api.request");
      expect(logged).toMatchObject({ level: "error", status: 500, requestId: response.headers.get("x-request-id") });
      expect(JSON.stringify(lines)).not.toContain('"n"');
    } finally {
      execute.mockRestore();
      for (const spy of quiet) spy.mockRestore();
    }
  });
});
