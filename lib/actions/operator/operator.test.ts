/**
 * The operator console's actions and what they do: only operators (a verified email in
 * OPERATOR_EMAILS or a wallet in OPERATOR_WALLETS) may act, and each change is on the trail
 * once; unlisting hides an agent and refuses its API runs; suspension ends sessions, refuses
 * sign-in and the account's keys; abuse reports are filed once, limited and closed.
 */
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { listAuditTrail } from "@/db/queries/audit-log";
import { listPublishedAgents } from "@/db/queries/agents";
import { galaxyData } from "@/db/queries/galaxy";
import { eraseAccount } from "@/db/queries/erasure";
import { REPORTS_PER_DAY } from "@/db/queries/operator";
import { createUser, getSessionVersion } from "@/db/queries/users";
import { createWallet } from "@/db/queries/wallets";
import { abuseReports, agents, credits, executions, requestBlocks, users } from "@/db/schema";
import { rowsOf } from "@/db/queries/raw-rows";
import { testBackends } from "@/db/testing";
import { createRun } from "@/lib/api/handlers/create-run";
import { apiRequest, doublerSpec, orgWithKey, publishedAgent } from "@/lib/api/fixtures.testing";
import { problemTypeUri } from "@/lib/api/problem";
import { signInWithPassword } from "@/lib/auth/password-sign-in";
import { hashPassword } from "@/lib/auth/password";
import type { SessionUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** A session as the jwt callback judges it: valid while the account's session version is the one it was issued with. */
const state = vi.hoisted(() => ({ user: null as SessionUser | null, sv: 0, db: undefined as unknown }));
vi.mock("@/lib/auth/session", () => ({
  requireUser: async () => {
    if (!state.user) throw new AppError("UNAUTHORIZED");
    const { getSessionVersion: current } = await import("@/db/queries/users");
    const version = await current(state.db as never, { userId: state.user.id });
    if (version === undefined || version !== state.sv) throw new AppError("UNAUTHORIZED");
    return state.user;
  },
}));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));

const { unlistAgentAction, relistAgentAction } = await import("./agents");
const { suspendAccountAction, restoreAccountAction } = await import("./accounts");
const { closeReportAction } = await import("./reports");
const { liftBlockAction } = await import("./blocks");
const { setPlatformFeeAction } = await import("./platform-fee");
const { reportAgentAction } = await import("@/lib/actions/market/report-agent");

const OPERATOR_WALLET = "0x00000000000000000000000000000000000a11ce";

describe.each(await testBackends())("operator console on $name", (backend) => {
  let handle: DbHandle;
  let operatorEmail: string;
  const saved = { emails: env.OPERATOR_EMAILS, wallets: env.OPERATOR_WALLETS };
  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
    operatorEmail = `operator-${randomUUID()}@example.com`;
    env.OPERATOR_EMAILS = ` ${operatorEmail.toUpperCase()} , other@example.com`;
    env.OPERATOR_WALLETS = OPERATOR_WALLET;
  });
  afterAll(async () => {
    env.OPERATOR_EMAILS = saved.emails;
    env.OPERATOR_WALLETS = saved.wallets;
    await handle?.close();
  });

  const person = async (options: { email?: string; verified?: boolean; password?: string } = {}) => {
    const email = options.email ?? `p-${randomUUID()}@example.com`;
    const passwordHash = options.password ? await hashPassword(options.password) : null;
    const user = await createUser(handle.db, { email, name: `Person ${email}`, passwordHash });
    if (options.verified)
      await handle.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, user.id));
    return { id: user.id, name: user.name, email };
  };
  /** Acts as `user` with a session issued now. */
  const signIn = async (user: SessionUser | null) => {
    state.user = user;
    state.sv = user ? ((await getSessionVersion(handle.db, { userId: user.id })) ?? -1) : 0;
  };
  const entries = async (action: string, targetId: string) =>
    rowsOf(
      await handle.db.execute(
        sql`select count(*)::int as n from audit_log where action = ${action} and target_id = ${targetId}`,
      ),
    )[0] as { n: number };

  test("only operators may act: a verified operator email or wallet; an unverified email, others, signed out and suspended are refused, and nothing changes", async () => {
    const creator = await person();
    const agent = await publishedAgent(handle.db, creator.id, doublerSpec);
    const target = await person();
    const unverified = await person({ email: `op-${randomUUID()}@example.com` });
    env.OPERATOR_EMAILS += `,${unverified.email}`;
    const byWallet = await person();
    await createWallet(handle.db, { userId: byWallet.id, address: OPERATOR_WALLET });
    const reporter = await person();
    await signIn(reporter);
    const filed = await reportAgentAction({ agentId: agent.id, reason: "spam", details: "" });
    expect(filed.ok).toBe(true);
    const reportId = filed.ok ? filed.data.reportId : "";
    await handle.db.insert(requestBlocks).values({
      source: `ip:203.0.113.${Math.floor(Math.random() * 250)}`,
      reason: "test",
      blockedUntil: new Date(Date.now() + 600_000),
    });
    const [block] = await handle.db
      .select()
      .from(requestBlocks)
      .orderBy(sql`created_at desc`)
      .limit(1);

    const attempts = [
      () => unlistAgentAction({ agentId: agent.id, reason: "malware" }),
      () => relistAgentAction({ agentId: agent.id }),
      () => suspendAccountAction({ userId: target.id, reason: "abuse" }),
      () => restoreAccountAction({ userId: target.id }),
      () => closeReportAction({ reportId, status: "dismissed" }),
      () => liftBlockAction({ source: block!.source }),
      () => setPlatformFeeAction({ feeBps: 100 }),
    ];
    const snapshot = async () =>
      rowsOf(
        await handle.db.execute(sql`
          select (select unlisted_at from agents where id = ${agent.id}) as unlisted,
                 (select suspended_at from users where id = ${target.id}) as suspended,
                 (select status from abuse_reports where id = ${reportId}) as report,
                 (select blocked_until from request_blocks where source = ${block!.source}) as block,
                 (select count(*)::int from audit_log where action like 'operator.%') as audit`),
      )[0];
    const suspended = await person({ email: operatorEmail, verified: true });
    await handle.db.update(users).set({ suspendedAt: new Date() }).where(eq(users.id, suspended.id));
    const before = await snapshot();
    for (const [actor, expected] of [
      [creator, "NOT_FOUND"],
      [unverified, "NOT_FOUND"],
      [null, "UNAUTHORIZED"],
    ] as const) {
      await signIn(actor);
      for (const attempt of attempts)
        expect(await attempt(), actor?.email ?? "signed out").toMatchObject({ ok: false, error: { code: expected } });
    }
    // A suspended account has no session at all, operator email or not.
    state.user = suspended;
    state.sv = 0;
    for (const attempt of attempts)
      expect(await attempt()).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    expect(await snapshot()).toEqual(before);

    // The wallet operator (and, below, the email operator) may.
    await signIn(byWallet);
    expect(await unlistAgentAction({ agentId: agent.id, reason: "malware" })).toEqual({
      ok: true,
      // No chain in these tests: nothing to suspend on-chain (lib/chain/chain.test.ts does it).
      data: { agentId: agent.id, changed: true, onChain: "not listed" },
    });
    expect(await relistAgentAction({ agentId: agent.id })).toMatchObject({ ok: true });
    expect(await closeReportAction({ reportId, status: "dismissed" })).toMatchObject({ ok: true });
    expect(await liftBlockAction({ source: block!.source })).toMatchObject({ ok: true });
    // Twice is a conflict, not a second entry.
    expect(await closeReportAction({ reportId, status: "resolved" })).toMatchObject({
      ok: false,
      error: { code: "CONFLICT" },
    });
    expect(await entries("operator.report_dismissed", reportId)).toEqual({ n: 1 });
    expect(await entries("operator.block_lifted", block!.source)).toEqual({ n: 1 });
    // No chain is configured in these tests: the fee action gets past the operator check to say so.
    expect(await setPlatformFeeAction({ feeBps: 100 })).toMatchObject({
      ok: false,
      error: { code: "CHAIN_UNAVAILABLE" },
    });
  });

  test("unlisting hides an agent, refuses its API runs with agent-unlisted (no credit taken) and tells its creator why; listing it again restores both", async () => {
    const operator = await person({ email: operatorEmail.replace("operator-", `operator2-`), verified: true });
    env.OPERATOR_EMAILS += `,${operator.email}`;
    const creator = await person();
    const agent = await publishedAgent(handle.db, creator.id, doublerSpec);
    const { secret, org } = await orgWithKey(handle.db, [agent.id], { credits: 5 });
    const run = () =>
      createRun(handle.db, apiRequest(`/agents/${agent.slug}/runs`, { secret, body: { input: { n: 2 } } }), {
        slug: agent.slug,
      });
    expect((await run()).status).toBe(201);
    const listed = async () =>
      (await listPublishedAgents(handle.db, { q: agent.name, limit: 100 })).some((a) => a.id === agent.id);
    expect(await listed()).toBe(true);

    await signIn(operator);
    expect(await unlistAgentAction({ agentId: agent.id, reason: "Sends inputs to a third party" })).toMatchObject({
      ok: true,
    });
    // Asking again changes nothing here (it would retry the chain): still one entry.
    expect(await unlistAgentAction({ agentId: agent.id, reason: "again" })).toMatchObject({
      ok: true,
      data: { changed: false },
    });
    expect(await listed()).toBe(false);
    const galaxy = await galaxyData(handle.db, { since: new Date(0), maxAgents: 2000, maxLinks: 10 });
    expect(galaxy.agents.some((a) => a.id === agent.id)).toBe(false);
    // The runnable version was cached by the first run: start_runs refuses it all the same.
    const refused = await run();
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ type: problemTypeUri("agent-unlisted"), status: 403 });
    const [credit] = await handle.db.select().from(credits).where(eq(credits.orgId, org.id));
    expect(credit).toMatchObject({ used: 1 });
    expect((await handle.db.select().from(executions).where(eq(executions.agentId, agent.id))).length).toBe(1);
    // The creator's own trail shows it, by "Platform operator", with the reason.
    const trail = await listAuditTrail(handle.db, { userId: creator.id, limit: 50 });
    expect(trail.find((e) => e.action === "operator.agent_unlisted")).toMatchObject({
      actorName: "Platform operator",
      actorEmail: null,
      actorUserId: null,
      metadata: { reason: "Sends inputs to a third party" },
    });
    expect(await entries("operator.agent_unlisted", agent.id)).toEqual({ n: 1 });

    expect(await relistAgentAction({ agentId: agent.id })).toMatchObject({ ok: true });
    expect(await listed()).toBe(true);
    expect((await run()).status).toBe(201);
  });

  test("a suspended account's sessions end, it cannot sign in (told why once the password is right), its keys are refused; restored, all work again", async () => {
    const operator = await person({ email: operatorEmail.replace("operator-", `operator3-`), verified: true });
    env.OPERATOR_EMAILS += `,${operator.email}`;
    const creator = await person();
    const agent = await publishedAgent(handle.db, creator.id, doublerSpec);
    const { secret, user: buyer } = await orgWithKey(handle.db, [agent.id], { credits: 5 });
    const password = "correct horse battery staple";
    await handle.db
      .update(users)
      .set({ passwordHash: await hashPassword(password) })
      .where(eq(users.id, buyer.id));
    const run = () =>
      createRun(handle.db, apiRequest(`/agents/${agent.slug}/runs`, { secret, body: { input: { n: 2 } } }), {
        slug: agent.slug,
      });
    const buyerSession: SessionUser = { id: buyer.id, name: buyer.name, email: buyer.email };
    await signIn(buyerSession);
    const buyerSv = state.sv;

    await signIn(operator);
    expect(await suspendAccountAction({ userId: operator.id, reason: "self" })).toMatchObject({
      ok: false,
      error: { code: "CONFLICT" },
    });
    expect(await suspendAccountAction({ userId: buyer.id, reason: "Card fraud" })).toMatchObject({ ok: true });
    expect(await entries("operator.account_suspended", buyer.id)).toEqual({ n: 1 });
    // Its session is gone: the buyer's next action is refused as signed out.
    state.user = buyerSession;
    state.sv = buyerSv;
    expect(await reportAgentAction({ agentId: agent.id, reason: "spam", details: "" })).toMatchObject({
      ok: false,
      error: { code: "UNAUTHORIZED" },
    });
    await expect(
      signInWithPassword(handle.db, { email: buyer.email, password: "wrong password!" }, "198.51.100.9"),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(signInWithPassword(handle.db, { email: buyer.email, password }, "198.51.100.9")).rejects.toMatchObject(
      {
        code: "ACCOUNT_SUSPENDED",
        message: expect.stringContaining("Card fraud"),
      },
    );
    const refused = await run();
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ type: problemTypeUri("account-suspended") });

    await signIn(operator);
    expect(await restoreAccountAction({ userId: buyer.id })).toMatchObject({ ok: true });
    expect(await restoreAccountAction({ userId: buyer.id })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    await expect(
      signInWithPassword(handle.db, { email: buyer.email, password }, "198.51.100.9"),
    ).resolves.toMatchObject({ id: buyer.id });
    expect((await run()).status).toBe(201);
  });

  test("abuse reports: one open report per agent and reporter (even in parallel), at most REPORTS_PER_DAY a day, only on published agents; erasure keeps the report without its reporter", async () => {
    const creator = await person();
    const agent = await publishedAgent(handle.db, creator.id, doublerSpec);
    const reporter = await person();
    await signIn(reporter);
    const parallel = await Promise.all(
      Array.from({ length: 4 }, () =>
        reportAgentAction({ agentId: agent.id, reason: "misleading", details: "It says one thing" }),
      ),
    );
    expect(parallel.filter((r) => r.ok)).toHaveLength(1);
    expect(parallel.filter((r) => !r.ok).every((r) => !r.ok && r.error.code === "CONFLICT")).toBe(true);
    expect(await reportAgentAction({ agentId: randomUUID(), reason: "spam" })).toMatchObject({
      ok: false,
      error: { code: "NOT_FOUND" },
    });
    expect(await reportAgentAction({ agentId: agent.id, reason: "bogus" as never })).toMatchObject({
      ok: false,
      error: { code: "INVALID_INPUT" },
    });
    for (let i = 1; i < REPORTS_PER_DAY; i++) {
      const other = await publishedAgent(handle.db, creator.id, doublerSpec);
      expect(await reportAgentAction({ agentId: other.id, reason: "spam" })).toMatchObject({ ok: true });
    }
    const one = await publishedAgent(handle.db, creator.id, doublerSpec);
    expect(await reportAgentAction({ agentId: one.id, reason: "spam" })).toMatchObject({
      ok: false,
      error: { code: "RATE_LIMITED" },
    });
    const mine = await handle.db.select().from(abuseReports).where(eq(abuseReports.reporterId, reporter.id));
    expect(mine).toHaveLength(REPORTS_PER_DAY);

    await handle.db.transaction((tx) => eraseAccount(tx, { userId: reporter.id, now: new Date() }));
    const [kept] = await handle.db
      .select()
      .from(abuseReports)
      .where(eq(abuseReports.id, mine.find((r) => r.agentId === agent.id)!.id));
    expect(kept).toMatchObject({ reporterId: null, details: "", reason: "misleading", status: "open" });
    await handle.db.delete(agents).where(eq(agents.id, agent.id));
  });

  test("a suspended wallet account cannot sign in with its wallet (told why, on the trail); restored, it can", async () => {
    const { generatePrivateKey, privateKeyToAccount } = await import("viem/accounts");
    const { createSiweMessage } = await import("viem/siwe");
    const { issueSiweNonce, SIWE_BINDING_COOKIE } = await import("@/lib/auth/siwe");
    const { authOptions } = await import("@/lib/auth/options");
    const wallet = privateKeyToAccount(generatePrivateKey());
    const holder = await person();
    await createWallet(handle.db, { userId: holder.id, address: wallet.address });
    const provider = authOptions.providers[0] as unknown as {
      options: {
        authorize: (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
      };
    };
    const signInWithWallet = async () => {
      const { nonce, binding } = await issueSiweNonce(handle.db);
      const message = createSiweMessage({
        domain: "localhost:3000",
        address: wallet.address,
        uri: "http://localhost:3000",
        version: "1",
        chainId: env.CHAIN_ID,
        nonce,
        issuedAt: new Date(),
      });
      const signature = await wallet.signMessage({ message });
      return provider.options.authorize(
        { message, signature },
        { headers: { cookie: `${SIWE_BINDING_COOKIE}=${binding}`, "x-forwarded-for": "198.51.100.23" } },
      );
    };
    expect(await signInWithWallet()).toMatchObject({ id: holder.id });
    const operator = await person({ email: operatorEmail.replace("operator-", "operator4-"), verified: true });
    env.OPERATOR_EMAILS += `,${operator.email}`;
    await signIn(operator);
    expect(await suspendAccountAction({ userId: holder.id, reason: "Wash trading" })).toMatchObject({ ok: true });
    await expect(signInWithWallet()).rejects.toThrow(/suspended by the platform's operators: Wash trading/);
    const [failed] = rowsOf(
      await handle.db.execute(
        sql`select metadata from audit_log where action = 'user.sign_in_failed' and target_id = ${holder.id} order by created_at desc limit 1`,
      ),
    );
    expect(failed?.metadata).toMatchObject({ method: "siwe", reason: "suspended" });
    expect(await restoreAccountAction({ userId: holder.id })).toMatchObject({ ok: true });
    expect(await signInWithWallet()).toMatchObject({ id: holder.id });
  });
});
