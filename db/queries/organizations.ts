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
 * Removes a member. Only an owner may do it (checked in the WHERE clause), and the last
 * owner cannot be removed, so an organisation is never left without one.
 */
export async function deleteMembership(db: Db, params: { orgId: string; memberUserId: string; actorUserId: string }) {
  const rows = await db
    .delete(memberships)
    .where(
      and(
        eq(memberships.orgId, params.orgId),
        eq(memberships.userId, params.memberUserId),
        sql`exists (select 1 from ${memberships} o where o.org_id = ${params.orgId} and o.user_id = ${params.actorUserId} and o.role = 'owner')`,
        sql`(${memberships.role} = 'member' or (select count(*) from ${memberships} o2 where o2.org_id = ${params.orgId} and o2.role = 'owner') > 1)`,
      ),
    )
    .returning({ userId: memberships.userId, role: memberships.role });
  return rows[0];
}

export async function addMembership(db: Db, params: { orgId: string; userId: string; role: MembershipRole }) {
  const rows = await db
    .insert(memberships)
    .values(params)
    .onConflictDoNothing()
    .returning({ userId: memberships.userId });
  return rows.length === 1;
}
