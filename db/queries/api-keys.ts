import { and, desc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agents, agentVersions, apiKeys, credits, rateLimitWindows } from "../schema";

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

/**
 * The live key with this hash and, in the same statement, the request counted in its
 * current one-minute window (shared by every app instance) and its last use recorded
 * (at most every 10 seconds). Revoked keys come back with `requestCount` null and count
 * nothing. One round trip: this runs before every API request.
 */
export async function authenticateKeyHash(db: Db, params: { keyHash: string; windowStart: Date; now: Date }) {
  const result = await db.execute(sql`
    with k as (
      select k.id, k.org_id, k.name, k.prefix, k.agent_ids, k.rate_limit_per_minute, k.monthly_run_cap,
             k.pinned_version_id, k.revoked_at, o.name as org_name
      from api_keys k join organizations o on o.id = k.org_id
      where k.key_hash = ${params.keyHash}
    ), counted as (
      insert into rate_limit_windows (api_key_id, window_start, count)
      select id, ${params.windowStart.toISOString()}::timestamptz, 1 from k where revoked_at is null
      on conflict (api_key_id, window_start) do update set count = rate_limit_windows.count + 1
      returning count
    ), touched as (
      update api_keys set last_used_at = ${params.now.toISOString()}::timestamptz
      where id in (select id from k where revoked_at is null)
        and (last_used_at is null or last_used_at < ${new Date(params.now.getTime() - 10_000).toISOString()}::timestamptz)
      returning id
    )
    select k.*, (select count from counted) as request_count from k`);
  const row = (result as unknown as { rows: Record<string, unknown>[] }).rows[0];
  return row ? keyFromRow(row) : undefined;
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
  };
}

/** uuid[] as the drivers return it: an array, or Postgres' `{a,b}` text. */
function parseUuidArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value.replace(/^\{|\}$/g, "").split(",").filter(Boolean);
  return [];
}

/** Drops a key's rate-limit windows older than the current one. */
export async function pruneRateLimitWindows(db: Db, params: { keyId: string; windowStart: Date }) {
  await db.delete(rateLimitWindows).where(and(eq(rateLimitWindows.apiKeyId, params.keyId), lt(rateLimitWindows.windowStart, params.windowStart)));
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
