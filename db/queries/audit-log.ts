import { and, desc, eq } from "drizzle-orm";
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
