import "server-only";
import { listStaleQueuedExports } from "@/db/queries/data-exports";
import { getDb } from "@/lib/db";
import { describeError } from "@/lib/log";
import { EXPORTS_QUEUE, getBoss } from "@/lib/queue/boss";
import { processDataExport } from "./export";

type ExportJob = { exportId: string };

const globalForExports = globalThis as unknown as { __aiNomadsExportWorker?: Promise<string> };

/** Sends a requested export to the queue, and wakes this process's builder. */
export async function enqueueDataExport(exportId: string): Promise<void> {
  const boss = await getBoss();
  await boss.send(EXPORTS_QUEUE, { exportId } satisfies ExportJob);
  const worker = await globalForExports.__aiNomadsExportWorker?.catch(() => undefined);
  if (worker) boss.notifyWorker(worker);
}

/** Re-sends exports whose job was lost (queued for over two minutes); the reaper loop calls it. */
export async function resendStaleExports(now = new Date()): Promise<number> {
  const ids = await listStaleQueuedExports(await getDb(), { before: new Date(now.getTime() - 120_000), limit: 100 });
  for (const id of ids) await enqueueDataExport(id);
  return ids.length;
}

/** One export builder in this process (`npm start` and `npm run worker`): exports are rare and one at a time is enough. */
export function startExportWorker(): Promise<string> {
  globalForExports.__aiNomadsExportWorker ??= (async () => {
    const boss = await getBoss();
    return boss.work<ExportJob>(EXPORTS_QUEUE, { batchSize: 1, pollingIntervalSeconds: 5 }, async (jobs) => {
      const db = await getDb();
      for (const job of jobs) {
        try {
          await processDataExport(db, job.data.exportId);
        } catch (error) {
          console.error(`[exports] export ${job.data.exportId}: ${describeError(error)}`);
          throw error;
        }
      }
    });
  })();
  return globalForExports.__aiNomadsExportWorker;
}
