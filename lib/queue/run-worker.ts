import "server-only";
import type { Db } from "@/db/client";
import { takeQueuedRun } from "@/db/queries/runs";
import { runtimeDeps } from "@/lib/agents/runtime/runtime-deps";
import { agentSpecSchema } from "@/lib/agents/spec";
import { getDb } from "@/lib/db";
import { describeError } from "@/lib/log";
import { executeRun } from "@/lib/metering/execute-run";
import { runDeadline } from "@/lib/metering/start-run";
import { getBoss, RUNS_QUEUE } from "./boss";

type RunJob = { executionId: string };

/**
 * Runs one queued execution: claims it (only one worker can: a retried job, or a run
 * cancelled or reaped meanwhile, finds nothing to do), then runs it on the shared path
 * (sandbox fair share as a paid run of its organisation) and records its end under the
 * same execution id. Returns whether it ran.
 */
export async function processQueuedRun(db: Db, executionId: string, now = new Date()): Promise<boolean> {
  // The spec comes with the claim, so the claim's deadline is the longest any run may take.
  const claimed = await takeQueuedRun(db, { executionId, now, deadlineAt: runDeadline(null, now) });
  if (!claimed) return false;
  const spec = agentSpecSchema.parse(claimed.spec);
  await executeRun(
    runtimeDeps(db),
    {
      id: claimed.id,
      startedAt: claimed.startedAt,
      agentId: claimed.agentId,
      versionId: claimed.versionId,
      inputHash: claimed.inputHash,
      costWei: claimed.costWei,
      charged: true,
    },
    { spec, input: claimed.input, tenant: `org:${claimed.orgId}`, priority: "paid" },
    { events: "stored", cancellable: true },
  );
  return true;
}

const globalForWorkers = globalThis as unknown as { __aiNomadsRunWorkers?: Promise<string[]> };

/**
 * Starts `count` queue workers in this process (`npm start` runs them unless RUN_WORKERS
 * is 0; `npm run worker` is a process of workers only). Each takes one job at a time.
 */
export function startRunWorkers(count: number): Promise<string[]> {
  globalForWorkers.__aiNomadsRunWorkers ??= (async () => {
    const boss = await getBoss();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      // Its own id, for the handler (which may run before boss.work returns).
      const self: { id?: string } = {};
      // A run sent from this process wakes these workers at once (enqueueRun); the poll
      // picks up what other instances sent.
      self.id = await boss.work<RunJob>(RUNS_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async (jobs) => {
        const db = await getDb();
        try {
          for (const job of jobs) {
            try {
              await processQueuedRun(db, job.data.executionId);
            } catch (error) {
              // executeRun records every run's end itself: this is the claim failing; the job is retried.
              console.error(`[queue] run ${job.data.executionId}: ${describeError(error)}`);
              throw error;
            }
          }
        } finally {
          // Straight on to the next job: pg-boss would otherwise wait out its polling interval
          // after each one, whatever waits in the queue.
          if (self.id) boss.notifyWorker(self.id);
        }
      });
      ids.push(self.id);
    }
    return ids;
  })();
  return globalForWorkers.__aiNomadsRunWorkers;
}

/**
 * Puts an accepted run on the queue, and wakes this process's workers so it starts without
 * waiting for their next poll.
 */
export async function enqueueRun(executionId: string): Promise<void> {
  const boss = await getBoss();
  await boss.send(RUNS_QUEUE, { executionId } satisfies RunJob);
  const workers = await globalForWorkers.__aiNomadsRunWorkers?.catch(() => []);
  for (const id of workers ?? []) boss.notifyWorker(id);
}
