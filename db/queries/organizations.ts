import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { memberships, organizations, users, type MembershipRole } from "../schema";

/** Creates an organisation with its creator as owner. Run inside a transaction. */
export async function createOrganization(db: Db, params: { name: string; slug: string; userId: string }) {
  const [org] = await db
    .insert(organizations)
    .values({ name: params.name, slug: params.slug, createdBy: params.userId })
    .returning({ id: organizations.id, name: organizations.name, slug: organizations.slug });
  await db.insert(memberships).values({ orgId: org!.id, userId: params.userId, role: "owner" });
  return org!;
}

export async function listOrganizationsForUser(db: Db, params: { userId: string }) {
  return db
    .select({
      id: organizations.id,
      name: organizations.name,
      slug: organizations.slug,
      role: memberships.role,
      memberCount: sql<number>`(select count(*)::int from ${memberships} m where m.org_id = ${organizations.id})`,
    })
    .from(organizations)
    .innerJoin(memberships, eq(memberships.orgId, organizations.id))
    .where(eq(memberships.userId, params.userId))
    .orderBy(asc(organizations.name))
    .limit(100);
}

/** The organisation as seen by one of its members, or undefined for anyone else. */
export async function getOrganizationForMember(db: Db, params: { orgId: string; userId: string }) {
  const [row] = await db
    .select({
      id: organizations.id,
      name: organizations.name,
      slug: organizations.slug,
      createdAt: organizations.createdAt,
      role: memberships.role,
    })
    .from(organizations)
    .innerJoin(memberships, and(eq(memberships.orgId, organizations.id), eq(memberships.userId, params.userId)))
    .where(eq(organizations.id, params.orgId))
    .limit(1);
  return row;
}

/** Members of an organisation, listed only for a requester who is a member. */
export async function listMembers(db: Db, params: { orgId: string; requesterId: string }) {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, params.orgId),
        sql`exists (select 1 from ${memberships} r where r.org_id = ${params.orgId} and r.user_id = ${params.requesterId})`,
      ),
    )
    .orderBy(asc(memberships.createdAt))
    .limit(500);
}

/**
 * Serialises changes to an organisation's memberships (removals, role changes): the
 * last-owner rule reads the owners and then changes one, which two transactions at once
 * could both pass. Run inside the transaction.
 */
export async function lockMemberships(db: Db, orgId: string) {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${"memberships:" + orgId}, 0))`);
}

async function ownerCount(db: Db, orgId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "owner")));
  return row?.n ?? 0;
}

/** A member's role, or undefined when they are not a member. */
async function roleOf(db: Db, orgId: string, userId: string) {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  return row?.role;
}

export type MembershipChange =
  | { ok: true; userId: string; from: MembershipRole; to: MembershipRole | null }
  | { ok: false; reason: "not_member" | "last_owner" };

/**
 * Removes a member (the caller has checked who may), unless they are the organisation's
 * last owner: an organisation is never left without one, even when owners remove each
 * other at the same moment. Run inside a transaction.
 */
export async function deleteMembership(
  db: Db,
  params: { orgId: string; memberUserId: string },
): Promise<MembershipChange> {
  await lockMemberships(db, params.orgId);
  const role = await roleOf(db, params.orgId, params.memberUserId);
  if (!role) return { ok: false, reason: "not_member" };
  if (role === "owner" && (await ownerCount(db, params.orgId)) <= 1) return { ok: false, reason: "last_owner" };
  await db
    .delete(memberships)
    .where(and(eq(memberships.orgId, params.orgId), eq(memberships.userId, params.memberUserId)));
  return { ok: true, userId: params.memberUserId, from: role, to: null };
}

/**
 * Gives a member another role (the caller has checked who may), unless that would leave the
 * organisation without an owner; safe under concurrency like deleteMembership. Run inside a
 * transaction.
 */
export async function changeMemberRole(
  db: Db,
  params: { orgId: string; memberUserId: string; role: MembershipRole },
): Promise<MembershipChange> {
  await lockMemberships(db, params.orgId);
  const role = await roleOf(db, params.orgId, params.memberUserId);
  if (!role) return { ok: false, reason: "not_member" };
  if (role === "owner" && params.role !== "owner" && (await ownerCount(db, params.orgId)) <= 1)
    return { ok: false, reason: "last_owner" };
  await db
    .update(memberships)
    .set({ role: params.role })
    .where(and(eq(memberships.orgId, params.orgId), eq(memberships.userId, params.memberUserId)));
  return { ok: true, userId: params.memberUserId, from: role, to: params.role };
}

/** A member's role in the organisation (for checks that depend on whom an action targets). */
export async function getMemberRole(db: Db, params: { orgId: string; userId: string }) {
  return roleOf(db, params.orgId, params.userId);
}

export async function addMembership(db: Db, params: { orgId: string; userId: string; role: MembershipRole }) {
  const rows = await db
    .insert(memberships)
    .values(params)
    .onConflictDoNothing()
    .returning({ userId: memberships.userId });
  return rows.length === 1;
}
