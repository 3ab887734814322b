import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "../client";
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
  deleteMembership,
  getOrganizationForMember,
  listMembers,
  listOrganizationsForUser,
} from "./organizations";
import { requireOrgRole } from "@/lib/auth/org-role";
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
    await addMembership(handle.db, { orgId: org.id, userId: member.id, role: "member" });
    return { org, owner, member, outsider };
  }

  test("the creator owns the new organisation and sees it listed", async () => {
    const { org, owner, member, outsider } = await orgWithMembers();
    expect(await listOrganizationsForUser(handle.db, { userId: owner.id })).toEqual([
      expect.objectContaining({ id: org.id, role: "owner", memberCount: 2 }),
    ]);
    expect((await getOrganizationForMember(handle.db, { orgId: org.id, userId: member.id }))?.role).toBe("member");
    expect(await getOrganizationForMember(handle.db, { orgId: org.id, userId: outsider.id })).toBeUndefined();
    expect(await listOrganizationsForUser(handle.db, { userId: outsider.id })).toEqual([]);
  });

  test("members are listed to members only", async () => {
    const { org, member, outsider } = await orgWithMembers();
    expect(await listMembers(handle.db, { orgId: org.id, requesterId: member.id })).toHaveLength(2);
    expect(await listMembers(handle.db, { orgId: org.id, requesterId: outsider.id })).toEqual([]);
  });

  test.each([
    ["owner", "owner", "ok"],
    ["owner", "member", "ok"],
    ["member", "member", "ok"],
    ["member", "owner", "FORBIDDEN"],
    ["outsider", "member", "NOT_FOUND"],
    ["outsider", "owner", "NOT_FOUND"],
  ] as const)("requireOrgRole: a %s asking for %s → %s", async (who, role, expected) => {
    const people = await orgWithMembers();
    const run = requireOrgRole(handle.db, { orgId: people.org.id, userId: people[who].id, role });
    if (expected === "ok") await expect(run).resolves.toBeTruthy();
    else await expect(run).rejects.toMatchObject({ code: expected });
  });

  test.each([
    ["owner removes a member", "owner", "member", true],
    ["member removes the owner", "member", "owner", false],
    ["outsider removes a member", "outsider", "member", false],
    ["last owner removes themselves", "owner", "owner", false],
  ] as const)("%s → removed: %s", async (_name, actor, target, removed) => {
    const people = await orgWithMembers();
    const result = await deleteMembership(handle.db, {
      orgId: people.org.id,
      memberUserId: people[target].id,
      actorUserId: people[actor].id,
    });
    expect(Boolean(result)).toBe(removed);
    const members = await listMembers(handle.db, { orgId: people.org.id, requesterId: people.owner.id });
    expect(members).toHaveLength(removed ? 1 : 2);
  });

  test("an owner can step down once there is a second owner", async () => {
    const { org, owner, member } = await orgWithMembers();
    await handle.db.transaction(async (tx) => {
      await deleteMembership(tx, { orgId: org.id, memberUserId: member.id, actorUserId: owner.id });
      await addMembership(tx, { orgId: org.id, userId: member.id, role: "owner" });
    });
    expect(
      await deleteMembership(handle.db, { orgId: org.id, memberUserId: owner.id, actorUserId: owner.id }),
    ).toBeTruthy();
  });

  describe("invitations", () => {
    async function invite(email: string, expiresAt = new Date(Date.now() + 60_000)) {
      const people = await orgWithMembers();
      const tokenHash = randomUUID();
      await createInvitation(handle.db, {
        orgId: people.org.id,
        email,
        role: "member",
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
        role: "member",
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
