import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agents, agentVersions, apiKeys, credits, organizations, rateLimitWindows } from "../schema";

const keyColumns = {
  id: apiKeys.id,
  orgId: apiKeys.orgId,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  agentIds: apiKeys.agentIds,
  rateLimitPerMinute: apiKeys.rateLimitPerMinute,
  monthlyRunCap: apiKeys.monthlyRunCap,
  pinnedVersionId: apiKeys.pinnedVersionId,
  createdBy: apiKeys.createdBy,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
  createdAt: apiKeys.createdAt,
};

export type ApiKeyRow = Awaited<ReturnType<typeof findApiKeyByHash>> & {};

export async function createApiKey(
  db: Db,
  params: {
    orgId: string;
    name: string;
    prefix: string;
    keyHash: string;
    agentIds: string[];
    rateLimitPerMinute: number;
    monthlyRunCap: number | null;
    pinnedVersionId: string | null;
    createdBy: string;
  },
) {
  const [row] = await db.insert(apiKeys).values(params).returning(keyColumns);
  return row!;
}

/** An organisation's keys, newest first (the caller has checked membership). */
export async function listApiKeys(db: Db, params: { orgId: string }) {
  return db.select(keyColumns).from(apiKeys).where(eq(apiKeys.orgId, params.orgId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/** Revokes a key of this organisation; undefined when there is no such live key. */
export async function revokeApiKey(db: Db, params: { orgId: string; keyId: string }) {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, params.keyId), eq(apiKeys.orgId, params.orgId), isNull(apiKeys.revokedAt)))
    .returning(keyColumns);
  return row;
}

/** The key with this hash, revoked or not (the caller decides), with its organisation's name. */
export async function findApiKeyByHash(db: Db, params: { keyHash: string }) {
  const [row] = await db
    .select({ ...keyColumns, orgName: organizations.name })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.orgId))
    .where(eq(apiKeys.keyHash, params.keyHash))
    .limit(1);
  return row;
}

/** Records use, at most every 10 seconds per key so hot keys do not write on every request. */
export async function touchApiKey(db: Db, params: { keyId: string; now: Date }) {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: params.now })
    .where(and(eq(apiKeys.id, params.keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(params.now.getTime() - 10_000)))));
}

/**
 * Counts one request in the key's current one-minute window, in the database so every
 * app instance shares it. Returns the count including this request.
 */
export async function countRateLimitedRequest(db: Db, params: { keyId: string; windowStart: Date }): Promise<number> {
  const [row] = await db
    .insert(rateLimitWindows)
    .values({ apiKeyId: params.keyId, windowStart: params.windowStart, count: 1 })
    .onConflictDoUpdate({ target: [rateLimitWindows.apiKeyId, rateLimitWindows.windowStart], set: { count: sql`${rateLimitWindows.count} + 1` } })
    .returning({ count: rateLimitWindows.count });
  if (row!.count === 1) {
    // A new window opened: drop this key's older ones.
    await db.delete(rateLimitWindows).where(and(eq(rateLimitWindows.apiKeyId, params.keyId), lt(rateLimitWindows.windowStart, params.windowStart)));
  }
  return row!.count;
}

/** Agents an organisation can scope keys to: those it holds credits for, with versions to pin. */
export async function listKeyableAgents(db: Db, params: { orgId: string }) {
  const rows = await db
    .selectDistinct({ id: agents.id, slug: agents.slug, name: agents.name })
    .from(credits)
    .innerJoin(agents, eq(agents.id, credits.agentId))
    .where(eq(credits.orgId, params.orgId))
    .orderBy(agents.name);
  const versions = rows.length
    ? await db
        .select({ id: agentVersions.id, agentId: agentVersions.agentId, version: agentVersions.version })
        .from(agentVersions)
        .where(sql`${agentVersions.agentId} in ${rows.map((r) => r.id)}`)
        .orderBy(desc(agentVersions.version))
    : [];
  return rows.map((r) => ({ ...r, versions: versions.filter((v) => v.agentId === r.id).map((v) => ({ id: v.id, version: v.version })) }));
}
