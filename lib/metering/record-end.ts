import type { Db } from "@/db/client";
import { finishRuns, type RunEnd } from "@/db/queries/runs";
import type { RunOutcome } from "@/lib/agents/runtime/run-agent";
import { computeReceiptHash } from "@/lib/agents/runtime/receipt";
import { Coalescer, perDatabase } from "@/lib/coalesce";
import { describeError } from "@/lib/log";
import { isRefunded } from "./refund-policy";

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

/** A finished run as recorded: its outcome, receipt and whether its credit came back. */
export type ExecutionRecord = RunOutcome & { id: string; receiptHash: string; startedAt: Date; finishedAt: Date; creditRefunded: boolean };

/** End states of concurrent runs are written together: one statement per batch. */
const finishes = perDatabase(
  (db: Db) =>
    new Coalescer<RunEnd, boolean>({
      batch: (items) => finishRuns(db, items),
      single: async (item) => (await finishRuns(db, [item]))[0]!,
      maxItems: 32,
    }),
);

/**
 * Records how a run ended: its end state, usage, duration, receipt hash and, for a platform
 * failure, its credit back (refund-policy.ts), in one statement. Only a row still `running`
 * moves, so this happens at most once (the reaper uses the same path). A transient database
 * failure is retried.
 */
export async function recordRunEnd(db: Db, run: StartedRun, outcome: RunOutcome, finishedAt = new Date()): Promise<ExecutionRecord> {
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
      moved = await finishes(db).submit(end);
      break;
    } catch (error) {
      if (attempt >= 3) {
        console.error(`[record-end] could not record the end of execution ${run.id}: ${describeError(error)}`);
        throw error;
      }
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
  return { ...outcome, id: run.id, receiptHash, startedAt: run.startedAt, finishedAt, creditRefunded: refund && moved && run.charged };
}
