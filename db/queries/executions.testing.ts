/**
 * Test fixtures: execution rows of any source and state, written directly. The product
 * inserts and finishes executions only through lib/metering (start_runs, finish_runs).
 */
import { and, eq } from "drizzle-orm";
import type { Db } from "../client";
import { executions } from "../schema";

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
    /** When the row was inserted (now by default); a real run's is its start. */
    createdAt?: Date;
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
    status: "succeeded" | "failed" | "timed_out";
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
