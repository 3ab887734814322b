/**
 * The server actions end to end through their wrapper, on a real database: who may do
 * what, what invalid input returns, and that a refused action changes nothing.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { listAgentsForOwner } from "@/db/queries/agents";
import { listAuditEntriesForOrg, listAuditTrail } from "@/db/queries/audit-log";
import { listMembers, listOrganizationsForUser } from "@/db/queries/organizations";
import { markEmailVerified } from "@/db/queries/email-tokens";
import { createUser } from "@/db/queries/users";
import { testBackends } from "@/db/testing";
import type { SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { hashPassword } from "@/lib/auth/password";
import { eq } from "drizzle-orm";
import { memberships, users } from "@/db/schema";

const state = vi.hoisted(() => ({ user: null as SessionUser | null, db: undefined as unknown }));

vi.mock("@/lib/auth/session", () => ({
  requireUser: async () => {
    if (!state.user) throw new AppError("UNAUTHORIZED");
    return state.user;
  },
}));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));

const { createAgentAction } = await import("./agents/create-agent");
const { createOrganizationAction } = await import("./orgs/create-organization");
const { inviteMemberAction } = await import("./orgs/invite-member");
const { acceptInvitationAction } = await import("./orgs/accept-invitation");
const { removeMemberAction } = await import("./orgs/remove-member");
const { changeMemberRoleAction } = await import("./orgs/change-member-role");
const { eraseAccountAction } = await import("./data/erase-account");
const { deleteOrganizationAction } = await import("./orgs/delete-organization");
const { revokeInvitationAction } = await import("./orgs/revoke-invitation");

describe.each(await testBackends())("server actions on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
  });
  afterAll(() => handle?.close());

  /** A signed-up person whose address is confirmed (unless `verified` is false). */
  async function person(name: string, verified = true): Promise<SessionUser> {
    const email = `${name}-${randomUUID()}@example.com`;
    const user = await createUser(handle.db, { email, name, passwordHash: null });
    if (verified) await markEmailVerified(handle.db, { userId: user.id, email });
    return { id: user.id, name, email };
  }
  const as = (user: SessionUser | null) => {
    state.user = user;
  };

  describe("agents", () => {
    test("signed out → UNAUTHORIZED, nothing created", async () => {
      as(null);
      expect(await createAgentAction({ name: "Sneaky", category: "data" })).toMatchObject({
        ok: false,
        error: { code: "UNAUTHORIZED" },
      });
    });

    test("a draft belongs to its creator; invalid fields are reported per field", async () => {
      const alice = await person("alice");
      as(alice);
      const bad = await createAgentAction({ name: "ab", category: "nope" as "data", tags: ["Not OK!"] });
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(Object.keys(bad.error.fieldErrors ?? {}).sort()).toEqual(["category", "name", "tags"]);

      const created = await createAgentAction({
        name: "Report Writer",
        description: "Writes",
        category: "writing",
        tags: ["Reports", "reports"],
      });
      expect(created).toMatchObject({ ok: true, data: { name: "Report Writer", status: "draft", tags: ["reports"] } });
      const again = await createAgentAction({ name: "Report Writer", category: "writing" });
      expect(again.ok && created.ok && again.data.slug !== created.data.slug).toBe(true);
      expect(await listAgentsForOwner(handle.db, { ownerId: alice.id })).toHaveLength(2);
    });
  });

  describe("organisations", () => {
    async function orgOf(owner: SessionUser) {
      as(owner);
      const org = await createOrganizationAction({ name: `Acme ${randomUUID().slice(0, 8)}` });
      if (!org.ok) throw new Error(org.error.message);
      return org.data;
    }

    test("invite → accept by the invited email → member; the link works once", async () => {
      const [owner, guest] = await Promise.all([person("owner"), person("guest")]);
      const org = await orgOf(owner);
      const invited = await inviteMemberAction({ orgId: org.id, email: guest.email!.toUpperCase() });
      expect(invited).toMatchObject({ ok: true, data: { email: guest.email, role: "viewer" } });
      const token = invited.ok ? invited.data.path.split("/").pop()! : "";

      as(guest);
      expect(await acceptInvitationAction({ token })).toEqual({ ok: true, data: { orgId: org.id } });
      expect(await acceptInvitationAction({ token })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
      expect(await listOrganizationsForUser(handle.db, { userId: guest.id })).toEqual([
        expect.objectContaining({ id: org.id, role: "viewer" }),
      ]);
      const actions = (await listAuditEntriesForOrg(handle.db, { orgId: org.id })).map((a) => a.action);
      expect(actions).toEqual(expect.arrayContaining(["org.created", "member.invited", "member.joined"]));
    });

    test("a posted form reaches the action as its fields (the path without scripts)", async () => {
      const [owner, guest] = await Promise.all([person("owner"), person("guest")]);
      as(owner);
      const form = (fields: Record<string, string>) => {
        const data = new FormData();
        // React's own fields of a form posted before hydration are not input.
        data.set("$ACTION_REF_1", "");
        data.set("$ACTION_KEY", "k0");
        for (const [name, value] of Object.entries(fields)) data.set(name, value);
        return data;
      };
      const created = await createOrganizationAction(null, form({ name: "Posted Co" }));
      expect(created).toMatchObject({ ok: true, data: { name: "Posted Co" } });
      const orgId = created.ok ? created.data.id : "";
      expect(await inviteMemberAction(null, form({ orgId, email: "", role: "viewer" }))).toMatchObject({
        ok: false,
        error: { code: "INVALID_INPUT", fieldErrors: { email: [expect.any(String)] } },
      });
      const invited = await inviteMemberAction(null, form({ orgId, email: guest.email!, role: "owner" }));
      expect(invited).toMatchObject({ ok: true, data: { email: guest.email, role: "owner" } });
      // The previous state useActionState passes first is ignored.
      as(guest);
      const token = invited.ok ? invited.data.path.split("/").pop()! : "";
      expect(await acceptInvitationAction(invited, form({ token }))).toEqual({ ok: true, data: { orgId } });
    });

    test("someone else holding the link cannot accept it", async () => {
      const [owner, guest, stranger] = await Promise.all([person("owner"), person("guest"), person("stranger")]);
      const org = await orgOf(owner);
      const invited = await inviteMemberAction({ orgId: org.id, email: guest.email! });
      const token = invited.ok ? invited.data.path.split("/").pop()! : "";
      as(stranger);
      expect(await acceptInvitationAction({ token })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
      expect(await listOrganizationsForUser(handle.db, { userId: stranger.id })).toEqual([]);
      as(guest);
      expect(await acceptInvitationAction({ token })).toMatchObject({ ok: true });
    });

    test("an address typed at sign-up but never confirmed cannot accept an invitation", async () => {
      const [owner, squatter] = await Promise.all([person("owner"), person("squatter", false)]);
      const org = await orgOf(owner);
      const invited = await inviteMemberAction({ orgId: org.id, email: squatter.email! });
      const token = invited.ok ? invited.data.path.split("/").pop()! : "";
      as(squatter);
      expect(await acceptInvitationAction({ token })).toMatchObject({
        ok: false,
        error: { code: "FORBIDDEN", message: expect.stringContaining("Confirm your email address first") },
      });
      expect(await listOrganizationsForUser(handle.db, { userId: squatter.id })).toEqual([]);
      await markEmailVerified(handle.db, { userId: squatter.id, email: squatter.email! });
      expect(await acceptInvitationAction({ token })).toMatchObject({ ok: true });
    });

    test("inviting an existing member is refused next to the email field", async () => {
      const owner = await person("owner");
      const org = await orgOf(owner);
      expect(await inviteMemberAction({ orgId: org.id, email: owner.email! })).toMatchObject({
        ok: false,
        error: { fieldErrors: { email: ["This person is already a member."] } },
      });
    });

    // Who may invite, remove and revoke: owners and admins; outsiders learn nothing (404).
    test.each([
      ["viewer", "FORBIDDEN"],
      ["outsider", "NOT_FOUND"],
    ] as const)("a %s cannot invite, remove or revoke (%s) and nothing changes", async (who, code) => {
      const [owner, member, outsider] = await Promise.all([person("owner"), person("member"), person("outsider")]);
      const org = await orgOf(owner);
      const invited = await inviteMemberAction({ orgId: org.id, email: member.email! });
      as(member);
      await acceptInvitationAction({ token: invited.ok ? invited.data.path.split("/").pop()! : "" });
      as(owner);
      const pending = await inviteMemberAction({ orgId: org.id, email: "pending@example.com" });
      const invitationId = pending.ok ? pending.data.id : "";

      as(who === "viewer" ? member : outsider);
      const results = [
        await inviteMemberAction({ orgId: org.id, email: "intruder@example.com" }),
        await removeMemberAction({ orgId: org.id, userId: owner.id }),
        await revokeInvitationAction({ orgId: org.id, invitationId }),
      ];
      for (const result of results) expect(result).toMatchObject({ ok: false, error: { code } });
      const members = await listMembers(handle.db, { orgId: org.id, requesterId: owner.id });
      expect(members.map((m) => m.userId).sort()).toEqual([owner.id, member.id].sort());
    });

    test("an owner removes a member but cannot remove the last owner", async () => {
      const [owner, member] = await Promise.all([person("owner"), person("member")]);
      const org = await orgOf(owner);
      const invited = await inviteMemberAction({ orgId: org.id, email: member.email! });
      as(member);
      await acceptInvitationAction({ token: invited.ok ? invited.data.path.split("/").pop()! : "" });
      as(owner);
      expect(await removeMemberAction({ orgId: org.id, userId: owner.id })).toMatchObject({
        ok: false,
        error: { code: "CONFLICT" },
      });
      expect(await removeMemberAction({ orgId: org.id, userId: member.id })).toMatchObject({ ok: true });
      expect(await listOrganizationsForUser(handle.db, { userId: member.id })).toEqual([]);
    });

    test("roles: an admin manages members but not owners; an owner makes owners; the last owner stays", async () => {
      const [owner, admin, dev] = await Promise.all([person("owner"), person("admin"), person("dev")]);
      const org = await orgOf(owner);
      const join = async (who: SessionUser, role: "admin" | "developer") => {
        as(owner);
        const invited = await inviteMemberAction({ orgId: org.id, email: who.email!, role });
        as(who);
        await acceptInvitationAction({ token: invited.ok ? invited.data.path.split("/").pop()! : "" });
      };
      await join(admin, "admin");
      await join(dev, "developer");
      const roles = async () =>
        Object.fromEntries(
          (await listMembers(handle.db, { orgId: org.id, requesterId: owner.id })).map((m) => [m.userId, m.role]),
        );
      expect(await roles()).toEqual({ [owner.id]: "owner", [admin.id]: "admin", [dev.id]: "developer" });

      as(admin);
      const forbidden = { ok: false, error: { code: "FORBIDDEN" } };
      expect(await inviteMemberAction({ orgId: org.id, email: "new-owner@example.com", role: "owner" })).toMatchObject(
        forbidden,
      );
      expect(await changeMemberRoleAction({ orgId: org.id, userId: dev.id, role: "owner" })).toMatchObject(forbidden);
      expect(await changeMemberRoleAction({ orgId: org.id, userId: owner.id, role: "viewer" })).toMatchObject(
        forbidden,
      );
      expect(await removeMemberAction({ orgId: org.id, userId: owner.id })).toMatchObject(forbidden);
      expect(await changeMemberRoleAction({ orgId: org.id, userId: dev.id, role: "billing" })).toMatchObject({
        ok: true,
      });
      as(dev);
      expect(await changeMemberRoleAction({ orgId: org.id, userId: dev.id, role: "admin" })).toMatchObject(forbidden);
      expect(await roles()).toEqual({ [owner.id]: "owner", [admin.id]: "admin", [dev.id]: "billing" });

      as(owner);
      expect(await changeMemberRoleAction({ orgId: org.id, userId: owner.id, role: "admin" })).toMatchObject({
        ok: false,
        error: { code: "CONFLICT" },
      });
      expect(await changeMemberRoleAction({ orgId: org.id, userId: admin.id, role: "owner" })).toMatchObject({
        ok: true,
      });
      expect(await changeMemberRoleAction({ orgId: org.id, userId: owner.id, role: "viewer" })).toMatchObject({
        ok: true,
      });
      expect(await roles()).toEqual({ [owner.id]: "viewer", [admin.id]: "owner", [dev.id]: "billing" });
      const changes = (await listAuditEntriesForOrg(handle.db, { orgId: org.id, limit: 50 }))
        .filter((a) => a.action === "member.role_changed")
        .map((a) => a.metadata);
      expect(changes).toHaveLength(3);
      expect(changes).toEqual(
        expect.arrayContaining([
          { from: "developer", to: "billing" },
          { from: "admin", to: "owner" },
          { from: "owner", to: "viewer" },
        ]),
      );
    });

    test("malformed ids are invalid input, not server errors", async () => {
      as(await person("owner"));
      expect(await removeMemberAction({ orgId: "not-a-uuid", userId: "x" })).toMatchObject({
        ok: false,
        error: { code: "INVALID_INPUT" },
      });
    });
  });

  test("erasing one's account: the typed confirmation and the current password, then it is gone", async () => {
    const email = `erase-${randomUUID()}@example.com`;
    const user = await createUser(handle.db, {
      email,
      name: "Eraser",
      passwordHash: await hashPassword("my password 1"),
    });
    as({ id: user.id, name: "Eraser", email });
    expect(
      await eraseAccountAction({ confirm: "yes" as "erase my account", currentPassword: "my password 1" }),
    ).toMatchObject({
      ok: false,
      error: { code: "INVALID_INPUT", fieldErrors: { confirm: [expect.any(String)] } },
    });
    expect(await eraseAccountAction({ confirm: "erase my account", currentPassword: "not it" })).toMatchObject({
      ok: false,
      error: { fieldErrors: { currentPassword: [expect.any(String)] } },
    });
    expect(await eraseAccountAction({ confirm: "erase my account", currentPassword: "my password 1" })).toEqual({
      ok: true,
      data: { erased: true },
    });
    const [row] = await handle.db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ email: null, passwordHash: null });
    expect(row!.erasedAt).not.toBeNull();
  });

  test("deleting an organisation: owners only, its name typed; on the owner's trail", async () => {
    const [owner, admin] = await Promise.all([person("owner"), person("admin")]);
    as(owner);
    const created = await createOrganizationAction({ name: `Doomed ${randomUUID().slice(0, 8)}` });
    if (!created.ok) throw new Error(created.error.message);
    const org = created.data;
    await handle.db.insert(memberships).values({ orgId: org.id, userId: admin.id, role: "admin" });
    as(admin);
    expect(await deleteOrganizationAction({ orgId: org.id, confirm: org.name })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    as(owner);
    expect(await deleteOrganizationAction({ orgId: org.id, confirm: "wrong" })).toMatchObject({
      ok: false,
      error: { fieldErrors: { confirm: [expect.any(String)] } },
    });
    expect(await listOrganizationsForUser(handle.db, { userId: owner.id })).toHaveLength(1);
    expect(await deleteOrganizationAction({ orgId: org.id, confirm: org.name })).toEqual({
      ok: true,
      data: { deleted: true },
    });
    expect(await listOrganizationsForUser(handle.db, { userId: owner.id })).toEqual([]);
    expect(await listOrganizationsForUser(handle.db, { userId: admin.id })).toEqual([]);
    const trail = await listAuditTrail(handle.db, { userId: owner.id, action: "org.deleted", limit: 5 });
    expect(trail).toEqual([expect.objectContaining({ targetId: org.id, metadata: { name: org.name } })]);
  });
});
