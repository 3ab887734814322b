import { getTableColumns, and, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agents, agentVersions, apiKeys, credits, executions, memberships } from "../schema";

export const apiExecutionColumns = {
  id: executions.id,
  agentId: executions.agentId,
  agentSlug: agents.slug,
  version: agentVersions.version,
  status: executions.status,
  queued: executions.queued,
  requestId: executions.requestId,
  output: executions.output,
  errorCode: executions.errorCode,
  errorMessage: executions.errorMessage,
  tokensIn: executions.tokensIn,
  tokensOut: executions.tokensOut,
  durationMs: executions.durationMs,
  costWei: executions.costWei,
  creditRefunded: executions.creditRefunded,
  receiptHash: executions.receiptHash,
  apiKeyId: executions.apiKeyId,
  startedAt: executions.startedAt,
  finishedAt: executions.finishedAt,
};

export type ApiExecution = NonNullable<Awaited<ReturnType<typeof getExecutionForOrg>>>;

/** One execution of this organisation (API or its members' purchases), or undefined. */
export async function getExecutionForOrg(db: Db, params: { executionId: string; orgId: string; agentIds?: string[] }) {
  const [row] = await db
    .select(apiExecutionColumns)
    .from(executions)
    .innerJoin(agents, eq(agents.id, executions.agentId))
    .leftJoin(agentVersions, eq(agentVersions.id, executions.versionId))
    .where(
      and(
        eq(executions.id, params.executionId),
        eq(executions.orgId, params.orgId),
        params.agentIds ? inArray(executions.agentId, params.agentIds) : undefined,
      ),
    )
    .limit(1);
  return row;
}

/** The full execution row of this organisation for one of these agents (for its receipt), or undefined. */
export async function getExecutionRecordForOrg(
  db: Db,
  params: { executionId: string; orgId: string; agentIds: string[] },
) {
  const [row] = await db
    .select()
    .from(executions)
    .where(
      and(
        eq(executions.id, params.executionId),
        eq(executions.orgId, params.orgId),
        inArray(executions.agentId, params.agentIds),
      ),
    )
    .limit(1);
  return row;
}

/** The agents a key may run, with the organisation's credits left for each. */
export async function listAgentsForKey(db: Db, params: { orgId: string; agentIds: string[] }) {
  if (params.agentIds.length === 0) return [];
  const left = db
    .select({
      agentId: credits.agentId,
      left: sql<number>`sum(${credits.granted} - ${credits.used})::bigint`.mapWith(Number).as("credits_left"),
    })
    .from(credits)
    .where(eq(credits.orgId, params.orgId))
    .groupBy(credits.agentId)
    .as("left");
  return db
    .select({
      slug: agents.slug,
      name: agents.name,
      description: agents.description,
      version: agentVersions.version,
      priceWei: agentVersions.priceWei,
      inputSchema: sql<unknown>`${agentVersions.spec} -> 'inputSchema'`,
      creditsLeft: sql<number>`coalesce(${left.left}, 0)`.mapWith(Number),
    })
    .from(agents)
    .innerJoin(agentVersions, eq(agentVersions.id, agents.currentVersionId))
    .leftJoin(left, eq(left.agentId, agents.id))
    .where(and(inArray(agents.id, params.agentIds), eq(agents.status, "published")))
    .orderBy(agents.name);
}

/** API runs of an organisation in [from, to), per agent and key, and per day. */
export async function getOrgUsage(db: Db, params: { orgId: string; from: Date; to: Date }) {
  const where = and(
    eq(executions.orgId, params.orgId),
    eq(executions.source, "api"),
    gte(executions.createdAt, params.from),
    lt(executions.createdAt, params.to),
  );
  const counts = {
    runs: sql<number>`count(*)::int`,
    succeeded: sql<number>`count(*) filter (where ${executions.status} = 'succeeded')::int`,
    failed: sql<number>`count(*) filter (where ${executions.status} in ('failed', 'timed_out'))::int`,
    refunded: sql<number>`count(*) filter (where ${executions.creditRefunded})::int`,
  };
  const [byAgentKey, byDay] = await Promise.all([
    db
      .select({
        agentSlug: agents.slug,
        agentName: agents.name,
        apiKeyId: executions.apiKeyId,
        keyName: apiKeys.name,
        keyPrefix: apiKeys.prefix,
        ...counts,
      })
      .from(executions)
      .innerJoin(agents, eq(agents.id, executions.agentId))
      .leftJoin(apiKeys, eq(apiKeys.id, executions.apiKeyId))
      .where(where)
      .groupBy(agents.slug, agents.name, executions.apiKeyId, apiKeys.name, apiKeys.prefix)
      .orderBy(agents.slug, apiKeys.name),
    db
      .select({
        day: sql<string>`to_char(date_trunc('day', ${executions.createdAt} at time zone 'UTC'), 'YYYY-MM-DD')`.as(
          "day",
        ),
        ...counts,
      })
      .from(executions)
      .where(where)
      .groupBy(sql`1`)
      .orderBy(sql`1`),
  ]);
  return { byAgentKey, byDay };
}

/** Recent API executions of an organisation, newest first, for the usage console. */
export async function listOrgApiExecutions(db: Db, params: { orgId: string; limit?: number; onlyFailures?: boolean }) {
  return db
    .select({ ...apiExecutionColumns, keyName: apiKeys.name })
    .from(executions)
    .innerJoin(agents, eq(agents.id, executions.agentId))
    .leftJoin(agentVersions, eq(agentVersions.id, executions.versionId))
    .leftJoin(apiKeys, eq(apiKeys.id, executions.apiKeyId))
    .where(
      and(
        eq(executions.orgId, params.orgId),
        eq(executions.source, "api"),
        params.onlyFailures ? sql`${executions.status} in ('failed', 'timed_out')` : undefined,
      ),
    )
    .orderBy(desc(executions.createdAt), desc(executions.id))
    .limit(Math.min(params.limit ?? 50, 200));
}

/** One execution paid by this organisation, for a member of it; everything recorded. */
/**
 * What a buying organisation sees of a run: its input, output, status, usage, timing and
 * receipt. Not the steps (the creator's tool arguments and results, logs, knowledge text).
 */
const { steps: _steps, ...buyerExecutionColumns } = getTableColumns(executions);
export type BuyerExecution = Omit<typeof executions.$inferSelect, "steps">;

export async function getExecutionForOrgMember(db: Db, params: { executionId: string; orgId: string; userId: string }) {
  const [row] = await db
    .select({
      execution: buyerExecutionColumns,
      agentSlug: agents.slug,
      agentName: agents.name,
      version: agentVersions.version,
      keyName: apiKeys.name,
    })
    .from(executions)
    .innerJoin(agents, eq(agents.id, executions.agentId))
    .innerJoin(memberships, and(eq(memberships.orgId, executions.orgId), eq(memberships.userId, params.userId)))
    .leftJoin(agentVersions, eq(agentVersions.id, executions.versionId))
    .leftJoin(apiKeys, eq(apiKeys.id, executions.apiKeyId))
    .where(and(eq(executions.id, params.executionId), eq(executions.orgId, params.orgId)))
    .limit(1);
  return row;
}

/** Credits left per agent for an organisation. */
export async function listOrgCreditBalances(db: Db, params: { orgId: string }) {
  return db
    .select({
      agentId: agents.id,
      slug: agents.slug,
      name: agents.name,
      granted: sql<number>`sum(${credits.granted})::bigint`.mapWith(Number),
      used: sql<number>`sum(${credits.used})::bigint`.mapWith(Number),
    })
    .from(credits)
    .innerJoin(agents, eq(agents.id, credits.agentId))
    .where(eq(credits.orgId, params.orgId))
    .groupBy(agents.id, agents.slug, agents.name)
    .orderBy(agents.name);
}
