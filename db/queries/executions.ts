import { and, desc, eq, lt, ne } from "drizzle-orm";
import type { Db } from "../client";
import { agents, agentVersions, executions } from "../schema";

const listColumns = {
  id: executions.id,
  status: executions.status,
  source: executions.source,
  version: agentVersions.version,
  errorCode: executions.errorCode,
  tokensIn: executions.tokensIn,
  tokensOut: executions.tokensOut,
  durationMs: executions.durationMs,
  startedAt: executions.startedAt,
};

/**
 * An agent's executions, newest first, for the agent's owner only. Buyers' API runs are
 * left out: their inputs and outputs belong to the paying organisation (the creator sees
 * them only as counts in the agent's stats).
 */
export async function listExecutionsForOwner(
  db: Db,
  params: { agentId: string; ownerId: string; limit?: number; before?: Date },
) {
  return db
    .select(listColumns)
    .from(executions)
    .innerJoin(agents, eq(agents.id, executions.agentId))
    .leftJoin(agentVersions, eq(agentVersions.id, executions.versionId))
    .where(
      and(
        eq(executions.agentId, params.agentId),
        eq(agents.ownerId, params.ownerId),
        ne(executions.source, "api"),
        params.before ? lt(executions.startedAt, params.before) : undefined,
      ),
    )
    .orderBy(desc(executions.startedAt))
    .limit(Math.min(params.limit ?? 50, 200));
}

/** One execution with everything recorded, for the agent's owner only (not buyers' API runs). */
export async function getExecutionForOwner(db: Db, params: { executionId: string; ownerId: string }) {
  const [row] = await db
    .select({
      execution: executions,
      agentSlug: agents.slug,
      agentName: agents.name,
      version: agentVersions.version,
    })
    .from(executions)
    .innerJoin(agents, eq(agents.id, executions.agentId))
    .leftJoin(agentVersions, eq(agentVersions.id, executions.versionId))
    .where(and(eq(executions.id, params.executionId), eq(agents.ownerId, params.ownerId), ne(executions.source, "api")))
    .limit(1);
  return row;
}
