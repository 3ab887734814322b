import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agents, agentVersions, apiKeys, credits } from "../schema";

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
  return db
    .select(keyColumns)
    .from(apiKeys)
    .where(eq(apiKeys.orgId, params.orgId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
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

export type AuthenticatedKey = ReturnType<typeof keyFromRow>;

/** An API key as the authentication statements return it (snake_case columns, as the drivers give them). */
export function keyFromRow(row: Record<string, unknown>) {
  return {
    id: row.id as string,
    orgId: row.org_id as string,
    orgName: row.org_name as string,
    name: row.name as string,
    prefix: row.prefix as string,
    agentIds: parseUuidArray(row.agent_ids),
    rateLimitPerMinute: Number(row.rate_limit_per_minute),
    monthlyRunCap: row.monthly_run_cap === null ? null : Number(row.monthly_run_cap),
    pinnedVersionId: (row.pinned_version_id as string | null) ?? null,
    revoked: row.revoked_at !== null,
    requestCount: row.request_count === null ? null : Number(row.request_count),
    /** The account that created the key is suspended by an operator. */
    creatorSuspended: row.creator_suspended === true,
  };
}

/** uuid[] as the drivers return it: an array, or Postgres' `{a,b}` text. */
function parseUuidArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string")
    return value
      .replace(/^\{|\}$/g, "")
      .split(",")
      .filter(Boolean);
  return [];
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
  return rows.map((r) => ({
    ...r,
    versions: versions.filter((v) => v.agentId === r.id).map((v) => ({ id: v.id, version: v.version })),
  }));
}
