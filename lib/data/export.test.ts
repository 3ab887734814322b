/**
 * Data export: everything held about an account (or an organisation, for its owners), each
 * kind present, no secrets, built once in the background, downloadable once by whoever
 * asked only, one request a day.
 */
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { listAuditTrail } from "@/db/queries/audit-log";
import { requestDataExport, takeDataExportArchive } from "@/db/queries/data-exports";
import { testBackends } from "@/db/testing";
import { accountWithEverything } from "./fixtures.testing";
import { appOrigin } from "@/lib/http/app-origin";
import type { SessionUser } from "@/lib/auth/session";

const state = vi.hoisted(() => ({
  user: null as SessionUser | null,
  db: undefined as unknown,
  enqueued: [] as string[],
}));
vi.mock("@/lib/auth/session", () => ({
  getSessionUser: async () => state.user,
  requireUser: async () => {
    if (!state.user) throw Object.assign(new Error("signed out"), { name: "AppError", code: "UNAUTHORIZED" });
    return state.user;
  },
}));
// The queue is pg-boss's (tested in lib/queue); here the test plays the builder.
vi.mock("@/lib/data/export-queue", () => ({
  enqueueDataExport: async (id: string) => {
    state.enqueued.push(id);
  },
}));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));
const { processDataExport } = await import("./export");
const downloadRoute = (await import("@/app/api/exports/[exportId]/route")).POST;
const { requestDataExportAction, requestOrgExportAction } = await import("@/lib/actions/data/request-export");

describe.each(await testBackends())("data export on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
  });
  afterAll(() => handle?.close());

  const busyAccount = () => accountWithEverything(handle.db);
  const download = (exportId: string) =>
    downloadRoute(
      new Request(`http://localhost/api/exports/${exportId}`, {
        method: "POST",
        headers: { origin: appOrigin() },
      }),
      {
        params: Promise.resolve({ exportId }),
      },
    );

  test("the archive holds each kind of record as JSON and CSV, and no secret", async () => {
    const me = await busyAccount();
    const requested = await handle.db.transaction((tx) =>
      requestDataExport(tx, { userId: me.user.id, since: new Date(Date.now() - 86_400_000) }),
    );
    expect(await processDataExport(handle.db, requested!.id)).toBe(true);
    // A second job for it builds nothing.
    expect(await processDataExport(handle.db, requested!.id)).toBe(false);

    state.user = me.session;
    const response = await download(requested!.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const json = (kind: string) => JSON.parse(strFromU8(files[`${kind}.json`]!)) as Record<string, unknown>[];
    expect(json("profile")).toEqual([expect.objectContaining({ id: me.user.id, email: me.email })]);
    expect(json("wallets")).toEqual([expect.objectContaining({ address: me.address })]);
    expect(json("memberships")).toEqual([expect.objectContaining({ orgId: me.org.id, role: "owner" })]);
    expect(json("agents")).toEqual([expect.objectContaining({ id: me.agent.id })]);
    expect(json("agent_versions")).toHaveLength(1);
    expect(json("knowledge_documents")).toEqual([
      expect.objectContaining({ title: "Pricing notes", content: "Our prices are in EUR." }),
    ]);
    expect(json("executions")).toEqual([expect.objectContaining({ input: expect.objectContaining({ n: 21 }) })]);
    expect(json("purchases")).toEqual([expect.objectContaining({ buyer: me.address, runs: 5 })]);
    expect(json("ratings")).toEqual([expect.objectContaining({ score: 5 })]);
    expect(json("audit_entries").map((e) => e.action)).toEqual(
      expect.arrayContaining(["agent.created", "rating.recorded"]),
    );
    for (const kind of ["profile", "executions", "audit_entries"])
      expect(strFromU8(files[`${kind}.csv`]!).split("\r\n")[0]).toContain("id");
    expect(strFromU8(files["README.txt"]!)).toContain("never exported");
    const everything = Object.values(files)
      .map((f) => strFromU8(f))
      .join("\n");
    expect(everything).not.toContain("secret-hash-value");

    // Downloaded once: then gone, and on the trail.
    expect((await download(requested!.id)).status).toBe(404);
  });

  test("only its owner downloads it, only when ready; one request a day", async () => {
    const [me, other] = [await busyAccount(), await busyAccount()];
    const since = new Date(Date.now() - 86_400_000);
    const first = await handle.db.transaction((tx) => requestDataExport(tx, { userId: me.user.id, since }));
    expect(await handle.db.transaction((tx) => requestDataExport(tx, { userId: me.user.id, since }))).toBeUndefined();
    state.user = me.session;
    expect((await download(first!.id)).status).toBe(404); // not built yet
    await processDataExport(handle.db, first!.id);
    state.user = other.session;
    expect((await download(first!.id)).status).toBe(404);
    expect(
      await takeDataExportArchive(handle.db, { exportId: first!.id, userId: other.user.id, now: new Date() }),
    ).toBeUndefined();
    state.user = null;
    expect((await download(first!.id)).status).toBe(401);
    state.user = me.session;
    const crossSite = await downloadRoute(
      new Request(`http://localhost/api/exports/${first!.id}`, {
        method: "POST",
        headers: { origin: "https://evil.example" },
      }),
      { params: Promise.resolve({ exportId: first!.id }) },
    );
    expect(crossSite.status).toBe(403);
    expect((await download(first!.id)).status).toBe(200);
  });

  test("asking in settings: queued for the builder and on the trail; a second ask the same day is refused", async () => {
    const me = await busyAccount();
    state.user = me.session;
    const asked = await requestDataExportAction({});
    expect(asked).toMatchObject({ ok: true });
    expect(state.enqueued).toContain(asked.ok ? asked.data.id : "");
    expect(await requestDataExportAction({})).toMatchObject({ ok: false, error: { code: "RATE_LIMITED" } });
    const trail = await listAuditTrail(handle.db, { userId: me.user.id, action: "data.", limit: 10 });
    expect(trail.map((e) => e.action)).toEqual(["data.export_requested"]);
  });

  test("runs go into the archive newest first only up to the byte budget, so one account cannot make a huge archive", async () => {
    const me = await busyAccount();
    // Two big runs (compressed in storage less than their size, but counted as stored).
    const { createExecution } = await import("@/db/queries/executions.testing");
    const big = Array.from({ length: 3000 }, (_, i) => `${i}-${Math.random()}`).join(",");
    for (let i = 0; i < 2; i++)
      await createExecution(handle.db, {
        agentId: me.agent.id,
        versionId: me.agent.versionId,
        source: "playground",
        userId: me.user.id,
        input: { big },
        inputHash: "h",
        startedAt: new Date(Date.now() + 1000 * (i + 1)),
      });
    const { collectAccountData } = await import("@/db/queries/data-exports");
    const all = await collectAccountData(handle.db, { userId: me.user.id });
    expect(all.executions).toHaveLength(3);
    const budget = await collectAccountData(handle.db, { userId: me.user.id, runBytes: 100_000 });
    expect(budget.executions.length).toBeLessThan(3);
    expect(budget.executions.length).toBeGreaterThan(0);
  });

  test("an organisation's export, for its owners: members, keys without hashes, webhooks without secrets, its runs with inputs; downloadable only while its asker owns it", async () => {
    const me = await busyAccount();
    const { addMembership, changeMemberRole } = await import("@/db/queries/organizations");
    const { createApiKey } = await import("@/db/queries/api-keys");
    const { createWebhookEndpoint } = await import("@/db/queries/webhooks");
    const { createExecution } = await import("@/db/queries/executions.testing");
    const { createUser } = await import("@/db/queries/users");
    const developer = await createUser(handle.db, { email: `dev-${me.email}`, name: "Dev", passwordHash: null });
    await addMembership(handle.db, { orgId: me.org.id, userId: developer.id, role: "developer" });
    const key = await createApiKey(handle.db, {
      orgId: me.org.id,
      name: "production",
      prefix: "ank_live_ab",
      keyHash: "key-hash-secret-value",
      agentIds: [me.agent.id],
      rateLimitPerMinute: 60,
      monthlyRunCap: null,
      pinnedVersionId: null,
      createdBy: me.user.id,
    });
    await handle.db.transaction((tx) =>
      createWebhookEndpoint(tx, {
        orgId: me.org.id,
        url: "https://hooks.example.com/export",
        description: "",
        events: ["run.failed"],
        secret: "whsec_webhook-secret-value",
        createdBy: me.user.id,
        maxEndpoints: 10,
      }),
    );
    await createExecution(handle.db, {
      agentId: me.agent.id,
      versionId: me.agent.versionId,
      source: "api",
      orgId: me.org.id,
      apiKeyId: key.id,
      input: { n: 7, note: "an API input" },
      inputHash: "h",
      startedAt: new Date(),
    });

    state.user = { id: developer.id, name: "Dev", email: `dev-${me.email}` };
    expect(await requestOrgExportAction({ orgId: me.org.id })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    state.user = me.session;
    const asked = await requestOrgExportAction({ orgId: me.org.id });
    expect(asked).toMatchObject({ ok: true });
    expect(await requestOrgExportAction({ orgId: me.org.id })).toMatchObject({
      ok: false,
      error: { code: "RATE_LIMITED" },
    });
    // One's own export is another: still allowed today.
    expect(await requestDataExportAction({})).toMatchObject({ ok: true });
    const exportId = asked.ok ? asked.data.id : "";
    expect(await processDataExport(handle.db, exportId)).toBe(true);

    // No longer an owner: no download; an owner again: once.
    const other = await createUser(handle.db, { email: `owner2-${me.email}`, name: "O2", passwordHash: null });
    await addMembership(handle.db, { orgId: me.org.id, userId: other.id, role: "owner" });
    await handle.db.transaction((tx) =>
      changeMemberRole(tx, { orgId: me.org.id, memberUserId: me.user.id, role: "admin" }),
    );
    expect((await download(exportId)).status).toBe(403);
    await handle.db.transaction((tx) =>
      changeMemberRole(tx, { orgId: me.org.id, memberUserId: me.user.id, role: "owner" }),
    );
    const response = await download(exportId);
    expect(response.status).toBe(200);
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    const json = (kind: string) => JSON.parse(strFromU8(files[`${kind}.json`]!)) as Record<string, unknown>[];
    expect(json("organisation")).toEqual([expect.objectContaining({ id: me.org.id })]);
    expect(
      json("members")
        .map((m) => m.role)
        .sort(),
    ).toEqual(["developer", "owner"]); // as it was when built, before the second owner joined
    expect(json("api_keys")).toEqual([expect.objectContaining({ id: key.id, prefix: "ank_live_ab" })]);
    expect(json("webhook_endpoints")).toEqual([expect.objectContaining({ url: "https://hooks.example.com/export" })]);
    expect(json("executions")).toEqual([expect.objectContaining({ input: { n: 7, note: "an API input" } })]);
    expect(json("audit_entries").map((e) => e.action)).toContain("data.export_requested");
    expect(strFromU8(files["README.txt"]!)).toContain("your organisation");
    const everything = Object.values(files)
      .map((f) => strFromU8(f))
      .join("\n");
    expect(everything).not.toContain("key-hash-secret-value");
    expect(everything).not.toContain("webhook-secret-value");
    // The personal playground run is the account's, not the organisation's.
    expect(everything).not.toContain("my playground input");
    const trail = await listAuditTrail(handle.db, { orgId: me.org.id, action: "data.", limit: 10 });
    expect(trail.map((e) => e.action).sort()).toEqual(["data.export_ready", "data.export_requested", "data.exported"]);
  });
});
