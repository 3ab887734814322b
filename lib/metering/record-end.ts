import "server-only";
import type { Db } from "@/db/client";
import type { RunEnd } from "@/db/queries/runs";
import type { RunOutcome } from "@/lib/agents/runtime/run-agent";
import { computeReceiptHash } from "@/lib/agents/runtime/receipt";
import { describeError } from "@/lib/log";
import { agentLabel, metrics } from "@/lib/metrics/registry";
import { isRefunded } from "./refund-policy";
import { runPath } from "./run-path";

/** A run whose row start_runs inserted: what its receipt covers besides its outcome. */
export type StartedRun = {
  id: string;
  startedAt: Date;
  agentId: string;
  versionId: string | null;
  inputHash: string;
  costWei: string;
  /** Whether a credit was taken for it (API runs). */
  charged: boolean;
};

/** How a run that did not (or not fully) run ended: failed with this code and message, nothing used. */
export function failedOutcome(errorCode: string, errorMessage: string, durationMs = 0): RunOutcome {
  return {
    status: "failed",
    output: null,
    outputHash: null,
    errorCode,
    errorMessage,
    steps: [],
    tokensIn: 0,
    tokensOut: 0,
    durationMs,
  };
}

/** A finished run as recorded: its outcome, receipt and whether its credit came back. */
export type ExecutionRecord = RunOutcome & {
  id: string;
  receiptHash: string;
  startedAt: Date;
  finishedAt: Date;
  creditRefunded: boolean;
};

/**
 * Records how a run ended: its end state, usage, duration, receipt hash and, for a platform
 * failure, its credit back (refund-policy.ts), in one statement. Only a row still `running`
 * moves, so this happens at most once (the reaper uses the same path). A transient database
 * failure is retried.
 */
export async function recordRunEnd(
  db: Db,
  run: StartedRun,
  outcome: RunOutcome,
  finishedAt = new Date(),
): Promise<ExecutionRecord> {
  const receiptHash = computeReceiptHash({
    executionId: run.id,
    agentId: run.agentId,
    versionId: run.versionId,
    inputHash: run.inputHash,
    outputHash: outcome.outputHash,
    status: outcome.status,
    tokensIn: outcome.tokensIn,
    tokensOut: outcome.tokensOut,
    costWei: run.costWei,
    startedAt: run.startedAt,
    finishedAt,
  });
  const refund = isRefunded(outcome.errorCode);
  const end: RunEnd = { id: run.id, ...outcome, receiptHash, finishedAt, refund };
  let moved = false;
  for (let attempt = 1; ; attempt++) {
    try {
      const submitted = await runPath(db).submit({ kind: "finish", end });
      if (submitted.kind !== "finish") throw new Error("run path: a finish item got another kind of result");
      moved = submitted.moved;
      break;
    } catch (error) {
      if (attempt >= 3) {
        console.error(`[record-end] could not record the end of execution ${run.id}: ${describeError(error)}`);
        throw error;
      }
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
  if (moved)
    metrics().runDuration.observe(
      { agent: agentLabel(run.agentId), status: outcome.status },
      outcome.durationMs / 1000,
    );
  return {
    ...outcome,
    id: run.id,
    receiptHash,
    startedAt: run.startedAt,
    finishedAt,
    creditRefunded: refund && moved && run.charged,
  };
}
