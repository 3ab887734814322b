/**
 * The audit trail: sign-ins and failed sign-ins are on it with address and user agent,
 * a person's trail holds what they did and what was done to their account (nobody else's),
 * filters narrow it, and its CSV route is read only by those allowed.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { createAuditEntry, listAuditTrail, type AuditFilters } from "@/db/queries/audit-log";
import { addMembership, createOrganization } from "@/db/queries/organizations";
import { createUser } from "@/db/queries/users";
import { testBackends } from "@/db/testing";
import { signInWithPassword } from "@/lib/auth/password-sign-in";
import { hashPassword } from "@/lib/auth/password";
import type { SessionUser } from "@/lib/auth/session";
import { parseAuditFilters } from "./trail";

const state = vi.hoisted(() => ({ user: null as SessionUser | null, db: undefined as unknown }));
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => state.user }));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));
const csvRoute = (await import("@/app/api/audit/route")).GET;

test("filters are read from the query and refused with a message when wrong", () => {
  const ok = parseAuditFilters(new URLSearchParams("action=member.&from=2026-12-01&to=2026-12-01"));
  expect(ok).toMatchObject({
    ok: true,
    filters: { action: "member.", from: new Date("2026-12-01T00:00:00Z"), to: new Date("2026-12-02T00:00:00Z") },
  });
  for (const query of ["actor=nope", "action=DROP%20TABLE", "from=yesterday", "to=2026-13-45"])
    expect(parseAuditFilters(new URLSearchParams(query)).ok, query).toBe(false);
});

describe.each(await testBackends())("the audit trail on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
  });
  afterAll(() => handle?.close());

  async function account(password = "correct horse battery") {
    const email = `trail-${randomUUID()}@example.com`;
    const user = await createUser(handle.db, { email, name: "Trail", passwordHash: await hashPassword(password) });
    return { ...user, email, password, session: { id: user.id, name: "Trail", email } satisfies SessionUser };
  }
  const mine = (userId: string, filters: AuditFilters = {}) =>
    listAuditTrail(handle.db, { userId, limit: 100, ...filters });

  test("a sign-in, a failed one and one for an unknown email: each one entry, with address and user agent", async () => {
    const me = await account();
    const ua = "Mozilla/5.0 (Trail test)";
    await signInWithPassword(handle.db, { email: me.email, password: me.password }, "10.20.30.40", new Date(), ua);
    await expect(
      signInWithPassword(handle.db, { email: me.email, password: "wrong password!" }, "10.20.30.41", new Date(), ua),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const unknown = `nobody-${randomUUID()}@example.com`;
    await expect(
      signInWithPassword(handle.db, { email: unknown, password: "wrong password!" }, "10.20.30.42", new Date(), ua),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });

    const trail = await mine(me.id);
    expect(trail.map((e) => e.action).sort()).toEqual(["user.sign_in_failed", "user.signed_in"]);
    expect(trail.find((e) => e.action === "user.signed_in")!.metadata).toEqual({
      method: "password",
      ip: "10.20.30.40",
      userAgent: ua,
    });
    expect(trail.find((e) => e.action === "user.sign_in_failed")).toMatchObject({
      actorUserId: null,
      metadata: { method: "password", ip: "10.20.30.41", userAgent: ua, knownAccount: true },
    });
    // The unknown email is not stored anywhere on the trail.
    const all = await handle.db.execute(
      `select count(*)::int as n from audit_log where metadata::text like '%${unknown}%'` as never,
    );
    expect(Number((all as unknown as { rows: { n: number }[] }).rows[0]!.n)).toBe(0);
  });

  test("a person's trail is theirs alone, and filters narrow it", async () => {
    const [me, other] = [await account(), await account()];
    const org = await handle.db.transaction((tx) =>
      createOrganization(tx, { name: "Trail Co", slug: `trail-${randomUUID()}`, userId: me.id }),
    );
    await createAuditEntry(handle.db, { actorUserId: me.id, orgId: org.id, action: "api_key.created" });
    await createAuditEntry(handle.db, { actorUserId: me.id, action: "agent.created" });
    await createAuditEntry(handle.db, { actorUserId: other.id, action: "agent.created" });
    expect((await mine(me.id)).map((e) => e.action).sort()).toEqual(["agent.created", "api_key.created"]);
    expect((await mine(me.id, { action: "agent." })).map((e) => e.action)).toEqual(["agent.created"]);
    expect((await mine(me.id, { action: "agent" })).map((e) => e.action)).toEqual([]);
    expect(await mine(me.id, { from: new Date(Date.now() + 86_400_000) })).toEqual([]);
    expect(await mine(me.id, { to: new Date(Date.now() - 86_400_000) })).toEqual([]);
    const orgTrail = await listAuditTrail(handle.db, { orgId: org.id, actorUserId: other.id, limit: 10 });
    expect(orgTrail).toEqual([]);
  });

  test("the CSV: one's own, or an organisation's for owners and admins only; bad filters are 422", async () => {
    const [owner, viewer, outsider] = [await account(), await account(), await account()];
    const org = await handle.db.transaction((tx) =>
      createOrganization(tx, { name: "CSV Co", slug: `csv-${randomUUID()}`, userId: owner.id }),
    );
    await addMembership(handle.db, { orgId: org.id, userId: viewer.id, role: "viewer" });
    await createAuditEntry(handle.db, {
      actorUserId: owner.id,
      orgId: org.id,
      action: "webhook.created",
      metadata: { url: '=HYPERLINK("https://evil.example")' },
    });
    const get = (query: string) =>
      csvRoute(new Request(`http://localhost/api/audit?${query}`), { params: Promise.resolve({}) });

    state.user = owner.session;
    const csv = await get(`org=${org.id}&action=webhook.`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const text = await csv.text();
    expect(text.split("\r\n")[0]).toBe("time_utc,action,actor_id,actor,target_type,target_id,details");
    expect(text).toContain("webhook.created");
    expect(text).not.toContain("org.created");
    expect((await (await get("")).text()).split("\r\n").filter(Boolean).length).toBeGreaterThan(1);
    expect((await get("from=soon")).status).toBe(422);

    state.user = viewer.session;
    expect((await get(`org=${org.id}`)).status).toBe(403);
    state.user = outsider.session;
    expect((await get(`org=${org.id}`)).status).toBe(404);
    expect((await get("org=not-an-id")).status).toBe(404);
    state.user = null;
    expect((await get("")).status).toBe(401);
  });
});
