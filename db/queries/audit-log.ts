import { and, desc, eq, gte, like, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { escapeLike } from "./like";
import { auditLog, users } from "../schema";

export async function createAuditEntry(
  db: Db,
  params: {
    actorUserId: string | null;
    orgId?: string | null;
    action: string;
    targetType?: string;
    targetId?: string;
    metadata?: Record<string, unknown>;
  },
) {
  await db.insert(auditLog).values({
    actorUserId: params.actorUserId,
    orgId: params.orgId ?? null,
    action: params.action,
    targetType: params.targetType ?? null,
    targetId: params.targetId ?? null,
    metadata: params.metadata ?? {},
  });
}

export async function listAuditEntriesForOrg(db: Db, params: { orgId: string; limit?: number; targetType?: string }) {
  return db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      metadata: auditLog.metadata,
      createdAt: auditLog.createdAt,
      actorName: users.name,
      actorEmail: users.email,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(
      and(eq(auditLog.orgId, params.orgId), params.targetType ? eq(auditLog.targetType, params.targetType) : undefined),
    )
    .orderBy(desc(auditLog.createdAt))
    .limit(Math.min(params.limit ?? 50, 200));
}

/** Filters of a trail view: who acted, which action (exact, or a prefix ending in "."), when. */
export type AuditFilters = { actorUserId?: string; action?: string; from?: Date; to?: Date };

/**
 * A trail, newest first, at most `limit` entries: an organisation's (`orgId`), a person's
 * own (`userId`: what they did, what was done to their account, such as failed sign-ins,
 * and to their agents, such as an operator unlisting one), or the whole platform's
 * (`platform`, for operators), with the filters. Entries are only ever added (createAuditEntry); nothing in the
 * product edits or deletes them.
 */
const byOperator = sql`${auditLog.action} like 'operator.%'`;

export async function listAuditTrail(
  db: Db,
  params: ({ orgId: string } | { userId: string } | { platform: true }) & AuditFilters & { limit: number },
) {
  const scope =
    "orgId" in params
      ? eq(auditLog.orgId, params.orgId)
      : "userId" in params
        ? or(
            eq(auditLog.actorUserId, params.userId),
            and(eq(auditLog.targetType, "user"), eq(auditLog.targetId, params.userId)),
            and(
              eq(auditLog.targetType, "agent"),
              sql`${auditLog.targetId} in (select a.id::text from agents a where a.owner_id = ${params.userId})`,
            ),
          )
        : undefined;
  const action = params.action?.endsWith(".")
    ? like(auditLog.action, `${escapeLike(params.action)}%`)
    : params.action
      ? eq(auditLog.action, params.action)
      : undefined;
  return db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      orgId: auditLog.orgId,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      metadata: auditLog.metadata,
      createdAt: auditLog.createdAt,
      // Outside the operators' own view, an operator is "Platform operator", not a person.
      actorUserId:
        "platform" in params
          ? auditLog.actorUserId
          : sql<string | null>`case when ${byOperator} then null else ${auditLog.actorUserId} end`,
      actorName:
        "platform" in params
          ? users.name
          : sql<string | null>`case when ${byOperator} then 'Platform operator' else ${users.name} end`,
      actorEmail:
        "platform" in params
          ? users.email
          : sql<string | null>`case when ${byOperator} then null else ${users.email} end`,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(
      and(
        scope,
        params.actorUserId ? eq(auditLog.actorUserId, params.actorUserId) : undefined,
        action,
        params.from ? gte(auditLog.createdAt, params.from) : undefined,
        params.to ? lt(auditLog.createdAt, params.to) : undefined,
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(params.limit);
}
