import { and, desc, eq, gte, like, lt, or } from "drizzle-orm";
import type { Db } from "../client";
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
 * A trail, newest first, at most `limit` entries: an organisation's (`orgId`), or a
 * person's own (`userId`: what they did, and what was done to their account, such as failed
 * sign-ins), with the filters. Entries are only ever added (createAuditEntry); nothing in the
 * product edits or deletes them.
 */
export async function listAuditTrail(
  db: Db,
  params: ({ orgId: string } | { userId: string }) & AuditFilters & { limit: number },
) {
  const scope =
    "orgId" in params
      ? eq(auditLog.orgId, params.orgId)
      : or(
          eq(auditLog.actorUserId, params.userId),
          and(eq(auditLog.targetType, "user"), eq(auditLog.targetId, params.userId)),
        );
  const action = params.action?.endsWith(".")
    ? like(auditLog.action, `${params.action.replace(/[\\%_]/g, "\\$&")}%`)
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
      actorUserId: auditLog.actorUserId,
      actorName: users.name,
      actorEmail: users.email,
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
