import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type PgBoss from "pg-boss";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { openDb, type DbHandle } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { createUser } from "@/db/queries/users";
import { credits, executions } from "@/db/schema";
import { testPostgresUrl } from "@/db/testing";
import { agentSpecSchema } from "@/lib/agents/spec";
import { createRun } from "@/lib/api/handlers/create-run";
import { apiRequest, doublerSpec, orgWithKey, publishedAgent } from "@/lib/api/fixtures.testing";
import { reapOverdueRuns } from "@/lib/metering/reaper";
import { RUNS_QUEUE, startBoss } from "./boss";
import { processQueuedRun } from "./run-worker";

// The job goes to the queue on this test's own database (below), not the process's.
vi.mock("@/lib/queue/run-worker", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/queue/run-worker")>()),
  enqueueRun: async () => {},
}));

const admin = await testPostgresUrl();
const name = `ainomads_crash_${randomBytes(6).toString("hex")}`;
const url = admin ? Object.assign(new URL(admin), { pathname: `/${name}` }).toString() : "";
let handle: DbHandle;
let boss: PgBoss;
const dataDir = mkdtempSync(path.join(tmpdir(), "worker-crash-"));

beforeAll(async () => {
  if (!admin) return;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  handle = await openDb({ url });
  await runMigrations(handle);
  boss = await startBoss(handle);
}, 60_000);

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await handle?.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (!admin) return;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.end();
});

// A worker process on Postgres (npm run worker needs one); without Postgres there is no such process to kill.
test.skipIf(!admin)(
  "kill -9 of a worker in the middle of a run: it ends once, failed and refunded, under its id; nothing runs it again",
  async () => {
    const db = handle.db;
    const owner = await createUser(db, { email: `crash-${Date.now()}@example.com`, name: "C", passwordHash: null });
    const spinner = agentSpecSchema.parse({
      ...doublerSpec,
      code: "async function handler() { const end = Date.now() + 30000; while (Date.now() < end) {} return { doubled: 0 }; }",
      limits: { ...doublerSpec.limits, timeoutMs: 60_000 },
    });
    const agent = await publishedAgent(db, owner.id, spinner);
    const { secret, org } = await orgWithKey(db, [agent.id], { credits: 1 });
    const accepted = await createRun(
      db,
      apiRequest(`/agents/${agent.slug}/runs`, {
        secret,
        body: { input: { n: 1 } },
        headers: { prefer: "respond-async" },
      }),
      { slug: agent.slug },
    );
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    await boss.send(RUNS_QUEUE, { executionId: id });

    const worker = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"], {
      env: { ...process.env, DATABASE_URL: url, RUN_WORKERS: "1", SANDBOX_WORKERS: "1", DATA_DIR: dataDir },
      stdio: "ignore",
    });
    try {
      // The worker has claimed the run and is computing it.
      await expect
        .poll(async () => (await db.select().from(executions).where(eq(executions.id, id)))[0]?.queued, {
          timeout: 30_000,
          interval: 250,
        })
        .toBe(false);
      worker.kill("SIGKILL");
      await new Promise((resolve) => worker.once("exit", resolve));
    } finally {
      if (worker.exitCode === null) worker.kill("SIGKILL");
    }
    const [left] = await db.select().from(executions).where(eq(executions.id, id));
    expect(left).toMatchObject({ status: "running", queued: false });

    // Past its deadline the reaper ends it, once, with its credit back.
    expect(await reapOverdueRuns(db, new Date(Date.now() + 10 * 60_000))).toBe(1);
    expect(await reapOverdueRuns(db, new Date(Date.now() + 10 * 60_000))).toBe(0);
    const rows = await db.select().from(executions).where(eq(executions.orgId, org.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, status: "failed", errorCode: "RUN_INTERRUPTED", creditRefunded: true });
    expect((await db.select().from(credits).where(eq(credits.orgId, org.id)))[0]!.used).toBe(0);
    // The job, handed again to a worker when it expires, finds nothing to run.
    expect(await processQueuedRun(db, id)).toBe(false);
  },
  90_000,
);

test.skipIf(!admin)(
  "a worker that took a queued run's job and died before starting it: the job is handed again and runs under the same id",
  async () => {
    const db = handle.db;
    const owner = await createUser(db, { email: `retry-${Date.now()}@example.com`, name: "R", passwordHash: null });
    const agent = await publishedAgent(db, owner.id, doublerSpec);
    const { secret, org } = await orgWithKey(db, [agent.id], { credits: 1 });
    const accepted = await createRun(
      db,
      apiRequest(`/agents/${agent.slug}/runs`, {
        secret,
        body: { input: { n: 21 } },
        headers: { prefer: "respond-async" },
      }),
      { slug: agent.slug },
    );
    const { id } = (await accepted.json()) as { id: string };
    // As enqueueRun sends it, but expiring in a second (the queue's own expiry is minutes).
    await boss.send(RUNS_QUEUE, { executionId: id }, { expireInSeconds: 1, retryDelay: 0, retryBackoff: false });
    const [taken] = await boss.fetch<{ executionId: string }>(RUNS_QUEUE);
    expect(taken!.data.executionId).toBe(id);
    // Its worker dies here: the job is neither completed nor failed. Past its expiry, pg-boss hands it out again.
    await new Promise((r) => setTimeout(r, 1_500));
    await boss.maintain();
    const [again] = await boss.fetch<{ executionId: string }>(RUNS_QUEUE);
    expect(again).toMatchObject({ id: taken!.id, data: { executionId: id } });
    expect(await processQueuedRun(db, id)).toBe(true);
    const rows = await db.select().from(executions).where(eq(executions.orgId, org.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, status: "succeeded", output: { doubled: 42 } });
    expect((await db.select().from(credits).where(eq(credits.orgId, org.id)))[0]!.used).toBe(1);
  },
  60_000,
);
