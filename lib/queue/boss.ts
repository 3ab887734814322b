import "server-only";
import PgBoss from "pg-boss";
import type { DbHandle } from "@/db/client";
import { getDbHandle } from "@/lib/db";
import { describeError } from "@/lib/log";

/** The queue of runs accepted asynchronously: one job per execution id. */
export const RUNS_QUEUE = "runs";
/** The queue of data exports to build: one job per requested export (lib/data/export.ts). */
export const EXPORTS_QUEUE = "exports";
/** The queue of webhook delivery attempts: one job per attempt of a delivery (lib/webhooks/deliver.ts). */
export const WEBHOOKS_QUEUE = "webhooks";

/**
 * A job is handed to another worker when its worker has not finished it in this time (its
 * process died): longer than any run (2 min at most, plus the wait for a sandbox).
 */
const RUN_JOB_EXPIRE_SECONDS = 300;

const globalForBoss = globalThis as unknown as { __aiNomadsBoss?: Promise<PgBoss> };

/**
 * pg-boss on the product's own database, once per process (on globalThis: Next loads
 * modules more than once): Postgres with DATABASE_URL, else the embedded PGlite, through
 * the database handle's raw SQL. Its tables live in the `pgboss` schema; the first start
 * creates them.
 */
export function getBoss(): Promise<PgBoss> {
  globalForBoss.__aiNomadsBoss ??= getDbHandle().then(startBoss);
  globalForBoss.__aiNomadsBoss.catch(() => {
    globalForBoss.__aiNomadsBoss = undefined;
  });
  return globalForBoss.__aiNomadsBoss;
}

/** Starts pg-boss on a database handle and makes sure the runs queue exists. */
export async function startBoss(handle: DbHandle): Promise<PgBoss> {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => handle.executeSql(text, values) },
    schema: "pgboss",
    // No cron schedules: the product's own timers do their work.
    schedule: false,
  });
  boss.on("error", (error: unknown) => console.error(`[queue] ${describeError(error)}`));
  await boss.start();
  await ensureQueue(boss, {
    name: RUNS_QUEUE,
    retryLimit: 3,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: RUN_JOB_EXPIRE_SECONDS,
  });
  // A job per delivery attempt; the schedule of attempts is the delivery row's (lib/webhooks/schedule.ts),
  // so a job whose worker died is simply handed again (an attempt takes 10 s at most).
  await ensureQueue(boss, { name: WEBHOOKS_QUEUE, retryLimit: 2, retryDelay: 5, expireInSeconds: 60 });
  // An export is taken by one builder (a second job for it finds nothing); the sweep re-sends lost ones.
  await ensureQueue(boss, { name: EXPORTS_QUEUE, retryLimit: 1, retryDelay: 30, expireInSeconds: 600 });
  return boss;
}

async function ensureQueue(boss: PgBoss, queue: PgBoss.Queue): Promise<void> {
  if (await boss.getQueue(queue.name)) return;
  await boss.createQueue(queue.name, queue).catch(async (error: unknown) => {
    // Another process created it meanwhile.
    if (!(await boss.getQueue(queue.name))) throw error;
  });
}
