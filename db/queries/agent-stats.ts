import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agents, agentVersions, executions } from "../schema";

/**
 * Verified statistics from recorded executions of an agent's published versions
 * (playground runs by the creator are not counted): finished runs, successes and the
 * median duration.
 */
export async function getAgentRunStats(db: Db, params: { agentId: string }) {
  const [row] = await db
    .select({
      runs: sql<number>`count(*)::int`,
      successes: sql<number>`count(*) filter (where ${executions.status} = 'succeeded')::int`,
      p50LatencyMs: sql<number | null>`percentile_cont(0.5) within group (order by ${executions.durationMs})`,
    })
    .from(executions)
    .where(
      and(
        eq(executions.agentId, params.agentId),
        ne(executions.source, "playground"),
        ne(executions.status, "running"),
      ),
    );
  const runs = row?.runs ?? 0;
  return {
    runs,
    successes: row?.successes ?? 0,
    successRate: runs ? row!.successes / runs : null,
    p50LatencyMs:
      row?.p50LatencyMs === null || row?.p50LatencyMs === undefined ? null : Math.round(Number(row.p50LatencyMs)),
  };
}

/** The public version history of a published agent, newest first. */
export async function listPublicVersions(db: Db, params: { agentId: string }) {
  return db
    .select({
      version: agentVersions.version,
      changelog: agentVersions.changelog,
      priceWei: agentVersions.priceWei,
      createdAt: agentVersions.createdAt,
    })
    .from(agentVersions)
    .where(eq(agentVersions.agentId, params.agentId))
    .orderBy(desc(agentVersions.version))
    .limit(100);
}

/**
 * What a published agent takes and returns: the input and output JSON Schemas of its
 * current version (nothing else of the spec: its code and prompts are the creator's).
 */
export async function getPublishedInterface(db: Db, params: { agentId: string }) {
  const [row] = await db
    .select({
      inputSchema: sql<unknown>`${agentVersions.spec} -> 'inputSchema'`,
      outputSchema: sql<unknown>`${agentVersions.spec} -> 'outputSchema'`,
    })
    .from(agentVersions)
    .innerJoin(agents, eq(agents.currentVersionId, agentVersions.id))
    .where(and(eq(agents.id, params.agentId), eq(agents.status, "published")))
    .limit(1);
  return { inputSchema: row?.inputSchema ?? null, outputSchema: row?.outputSchema ?? null };
}
