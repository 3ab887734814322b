import { eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "../client";
import { memberships } from "@/db/schema";
import { testBackends } from "../testing";
import {
  createInvitation,
  getInvitationByTokenHash,
  listPendingInvitations,
  markInvitationAccepted,
  revokeInvitation,
} from "./invitations";
import {
  addMembership,
  createOrganization,
  changeMemberRole,
  deleteMembership,
  getOrganizationForMember,
  listMembers,
  listOrganizationsForUser,
} from "./organizations";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { ORG_ROLES, type OrgPermission } from "@/lib/auth/permissions";
import { createUser } from "./users";

describe.each(await testBackends())("organisations on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  const newUser = (name: string) =>
    createUser(handle.db, { email: `${name}-${randomUUID()}@example.com`, name, passwordHash: null });

  async function orgWithMembers() {
    const [owner, member, outsider] = await Promise.all([newUser("owner"), newUser("member"), newUser("outsider")]);
    const org = await handle.db.transaction((tx) =>
      createOrganization(tx, { name: "Acme", slug: `acme-${randomUUID()}`, userId: owner.id }),
    );
    await addMembership(handle.db, { orgId: org.id, userId: member.id, role: "viewer" });
    return { org, owner, member, outsider };
  }

  test("the creator owns the new organisation and sees it listed", async () => {
    const { org, owner, member, outsider } = await orgWithMembers();
    expect(await listOrganizationsForUser(handle.db, { userId: owner.id })).toEqual([
      expect.objectContaining({ id: org.id, role: "owner", memberCount: 2 }),
    ]);
    expect((await getOrganizationForMember(handle.db, { orgId: org.id, userId: member.id }))?.role).toBe("viewer");
    expect(await getOrganizationForMember(handle.db, { orgId: org.id, userId: outsider.id })).toBeUndefined();
    expect(await listOrganizationsForUser(handle.db, { userId: outsider.id })).toEqual([]);
  });

  test("members are listed to members only", async () => {
    const { org, member, outsider } = await orgWithMembers();
    expect(await listMembers(handle.db, { orgId: org.id, requesterId: member.id })).toHaveLength(2);
    expect(await listMembers(handle.db, { orgId: org.id, requesterId: outsider.id })).toEqual([]);
  });

  // Written out rather than derived from the table, so a change to the table shows up here.
  const allowed: Record<OrgPermission, string> = {
    "org.read": "owner admin developer billing viewer",
    "members.manage": "owner admin",
    "owners.manage": "owner",
    "api_keys.manage": "owner admin developer",
    "webhooks.manage": "owner admin developer",
    "purchases.make": "owner admin billing",
    "audit.read": "owner admin",
    "data.export": "owner",
  };
  test.each(Object.keys(allowed) as OrgPermission[])(
    "requireOrgPermission %s: each role, and outsiders",
    async (permission) => {
      const { org, outsider } = await orgWithMembers();
      for (const role of ORG_ROLES) {
        const user = await newUser(role);
        await addMembership(handle.db, { orgId: org.id, userId: user.id, role });
        const run = requireOrgPermission(handle.db, { orgId: org.id, userId: user.id, permission });
        if (allowed[permission].split(" ").includes(role)) await expect(run, role).resolves.toBeTruthy();
        else await expect(run, role).rejects.toMatchObject({ code: "FORBIDDEN" });
      }
      await expect(
        requireOrgPermission(handle.db, { orgId: org.id, userId: outsider.id, permission }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    },
  );

  test("removing: a member goes; the last owner stays; someone not a member is reported", async () => {
    const { org, owner, member, outsider } = await orgWithMembers();
    const remove = (userId: string) =>
      handle.db.transaction((tx) => deleteMembership(tx, { orgId: org.id, memberUserId: userId }));
    expect(await remove(outsider.id)).toEqual({ ok: false, reason: "not_member" });
    expect(await remove(owner.id)).toEqual({ ok: false, reason: "last_owner" });
    expect(await remove(member.id)).toEqual({ ok: true, userId: member.id, from: "viewer", to: null });
    expect(await listMembers(handle.db, { orgId: org.id, requesterId: owner.id })).toHaveLength(1);
  });

  test("two owners demoting or removing each other at the same moment leave one owner", async () => {
    for (const change of ["demote", "remove"] as const) {
      const { org, owner, member } = await orgWithMembers();
      await handle.db.transaction((tx) =>
        changeMemberRole(tx, { orgId: org.id, memberUserId: member.id, role: "owner" }),
      );
      const act = (target: string) =>
        handle.db.transaction((tx) =>
          change === "demote"
            ? changeMemberRole(tx, { orgId: org.id, memberUserId: target, role: "viewer" })
            : deleteMembership(tx, { orgId: org.id, memberUserId: target }),
        );
      const results = await Promise.all([act(owner.id), act(member.id)]);
      expect(
        results.filter((r) => r.ok),
        change,
      ).toHaveLength(1);
      expect(
        results.filter((r) => !r.ok && r.reason === "last_owner"),
        change,
      ).toHaveLength(1);
      const owners = (await handle.db.select().from(memberships).where(eq(memberships.orgId, org.id))).filter(
        (m) => m.role === "owner",
      );
      expect(owners, change).toHaveLength(1);
    }
  });

  describe("invitations", () => {
    async function invite(email: string, expiresAt = new Date(Date.now() + 60_000)) {
      const people = await orgWithMembers();
      const tokenHash = randomUUID();
      await createInvitation(handle.db, {
        orgId: people.org.id,
        email,
        role: "viewer",
        tokenHash,
        invitedBy: people.owner.id,
        expiresAt,
      });
      return { ...people, tokenHash };
    }

    test("an open invitation is accepted once, by the invited email", async () => {
      const { outsider, tokenHash, org } = await invite("guest@example.com");
      expect(await listPendingInvitations(handle.db, { orgId: org.id })).toHaveLength(1);
      expect(
        await markInvitationAccepted(handle.db, { tokenHash, userId: outsider.id, email: "other@example.com" }),
      ).toBeUndefined();
      expect(
        await markInvitationAccepted(handle.db, { tokenHash, userId: outsider.id, email: "guest@example.com" }),
      ).toEqual({
        orgId: org.id,
        role: "viewer",
      });
      expect(
        await markInvitationAccepted(handle.db, { tokenHash, userId: outsider.id, email: "guest@example.com" }),
      ).toBeUndefined();
      expect(await listPendingInvitations(handle.db, { orgId: org.id })).toEqual([]);
      expect((await getInvitationByTokenHash(handle.db, { tokenHash }))?.acceptedAt).toBeInstanceOf(Date);
    });

    test("expired and revoked invitations cannot be accepted", async () => {
      const expired = await invite("late@example.com", new Date(Date.now() - 1_000));
      expect(
        await markInvitationAccepted(handle.db, {
          tokenHash: expired.tokenHash,
          userId: expired.outsider.id,
          email: "late@example.com",
        }),
      ).toBeUndefined();

      const revoked = await invite("revoked@example.com");
      const [pending] = await listPendingInvitations(handle.db, { orgId: revoked.org.id });
      expect(await revokeInvitation(handle.db, { orgId: randomUUID(), invitationId: pending!.id })).toBeUndefined();
      expect(await revokeInvitation(handle.db, { orgId: revoked.org.id, invitationId: pending!.id })).toBeTruthy();
      expect(
        await markInvitationAccepted(handle.db, {
          tokenHash: revoked.tokenHash,
          userId: revoked.outsider.id,
          email: "revoked@example.com",
        }),
      ).toBeUndefined();
    });
  });
});
