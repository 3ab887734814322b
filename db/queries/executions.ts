import { and, desc, eq, lt, ne, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agents, agentVersions, executions } from "../schema";

export type ExecutionStatus = "running" | "succeeded" | "failed" | "timed_out";

/** Inserts the row of an execution before any work starts (status `running`). */
export async function createExecution(
  db: Db,
  params: {
    agentId: string;
    versionId: string | null;
    source: "playground" | "api" | "demo";
    userId?: string | null;
    orgId?: string | null;
    apiKeyId?: string | null;
    creditId?: string | null;
    idempotencyKey?: string | null;
    requestHash?: string | null;
    input: unknown;
    inputHash: string;
    startedAt: Date;
  },
) {
  const [row] = await db
    .insert(executions)
    .values({ ...params, status: "running" })
    .returning({ id: executions.id, startedAt: executions.startedAt });
  return row!;
}

/** Records the end state of an execution. Only a `running` row moves, and only once. */
export async function finishExecution(
  db: Db,
  params: {
    id: string;
    status: Exclude<ExecutionStatus, "running">;
    output: unknown;
    outputHash: string | null;
    steps: unknown[];
    errorCode: string | null;
    errorMessage: string | null;
    tokensIn: number;
    tokensOut: number;
    durationMs: number;
    costWei: string;
    receiptHash: string;
    finishedAt: Date;
  },
) {
  const { id, ...values } = params;
  const [row] = await db
    .update(executions)
    .set(values)
    .where(and(eq(executions.id, id), eq(executions.status, "running")))
    .returning({ id: executions.id });
  return row;
}

export type ExecutionEnd = Parameters<typeof finishExecution>[1];

/**
 * Records the end state of many executions in one statement (see lib/coalesce.ts); the
 * same rule as finishExecution: only `running` rows move. Returns, per item in order,
 * whether its row moved.
 */
export async function finishExecutions(db: Db, items: ExecutionEnd[]): Promise<boolean[]> {
  if (!items.length) return [];
  const rows = items.map((p) => ({
    id: p.id,
    status: p.status,
    output: p.output ?? null,
    output_hash: p.outputHash,
    steps: p.steps,
    error_code: p.errorCode,
    error_message: p.errorMessage,
    tokens_in: p.tokensIn,
    tokens_out: p.tokensOut,
    duration_ms: p.durationMs,
    cost_wei: p.costWei,
    receipt_hash: p.receiptHash,
    finished_at: p.finishedAt.toISOString(),
  }));
  // finish_executions (migration 0006) is the batched UPDATE … FROM jsonb_to_recordset,
  // in a function so that its plan is made once per database session.
  const result = await db.execute(sql`select finish_executions as id from finish_executions(${JSON.stringify(rows)}::jsonb)`);
  const moved = new Set((result as unknown as { rows: { id: string }[] }).rows.map((r) => r.id));
  return items.map((p) => moved.has(p.id));
}

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
