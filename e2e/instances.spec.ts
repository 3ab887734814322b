import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import pg from "pg";
import { generateApiKey } from "../lib/api/keys";
import { anvilAccounts } from "../lib/chain/dev-accounts";
import { killHard, startScript, waitForOutput, waitUntilUp, type Started } from "./fixtures/cluster";
import { expect, test } from "./fixtures/test";

const POSTGRES = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const [PORT_A, PORT_B, ANVIL_PORT] = [3321, 3322, 8665];
const AUTH_SECRET = "cluster-e2e-session-secret-0123456789abcdef";

/**
 * The README's "Several instances on one Postgres", as an enterprise would run it: two
 * `npm start` instances (the first with the local chain) and one `npm run worker` on a
 * fresh Postgres database, then load, limits, receipts and a kill -9.
 */
test("two app instances and a worker on one Postgres share credits, limits, the queue, one indexer and one attester", async () => {
  test.setTimeout(420_000);
  const admin = new pg.Client({ connectionString: POSTGRES, connectionTimeoutMillis: 2_000 });
  const reachable = await admin.connect().then(
    () => true,
    () => false,
  );
  test.skip(!reachable, `several instances share a Postgres; none answers on ${POSTGRES}`);

  const dbName = `ainomads_cluster_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  await admin.query(`create database ${dbName}`);
  const url = Object.assign(new URL(POSTGRES), { pathname: `/${dbName}` }).toString();
  const db = new pg.Client({ connectionString: url });
  const started: Started[] = [];
  const t0 = Date.now();
  const step = (what: string) => console.log(`[cluster +${((Date.now() - t0) / 1000).toFixed(0)} s] ${what}`);
  const common = {
    DATABASE_URL: url,
    AUTH_SECRET,
    RUN_WORKERS: "0",
    ATTEST_INTERVAL_SECONDS: "2",
  };
  try {
    for (const dir of ["a", "b", "w"]) rmSync(`.data/e2e-cluster-${dir}`, { recursive: true, force: true });
    step("starting instance A");
    // A: migrates, starts anvil and deploys, seeds the demo data (listed agents, purchases).
    const a = startScript("instance A", "scripts/start.ts", {
      ...common,
      PORT: String(PORT_A),
      DATA_DIR: ".data/e2e-cluster-a",
      ANVIL_PORT: String(ANVIL_PORT),
      SEED_DEMO_DATA: "true",
    });
    started.push(a);
    await waitUntilUp(a, `http://127.0.0.1:${PORT_A}/api/health`, 300_000);
    const deployment = JSON.parse(readFileSync(".data/e2e-cluster-a/chain/deployment.json", "utf8")) as {
      marketplace: string;
      reputation: string;
      startBlock: string;
    };
    const chain = {
      CHAIN_RPC_URL: `http://127.0.0.1:${ANVIL_PORT}`,
      CHAIN_PUBLIC_RPC_URL: `http://127.0.0.1:${ANVIL_PORT}`,
      MARKETPLACE_ADDRESS: deployment.marketplace,
      REPUTATION_ADDRESS: deployment.reputation,
      CHAIN_START_BLOCK: deployment.startBlock,
      CHAIN_CONFIRMATIONS: "0",
      ATTESTER_PRIVATE_KEY: anvilAccounts[0].privateKey,
    };
    const startB = () =>
      startScript("instance B", "scripts/start.ts", {
        ...common,
        ...chain,
        PORT: String(PORT_B),
        DATA_DIR: ".data/e2e-cluster-b",
        SEED_DEMO_DATA: "false",
      });
    step("instance A is up; starting B and the worker");
    let b = startB();
    const worker = startScript("worker", "scripts/worker.ts", {
      ...common,
      ...chain,
      RUN_WORKERS: "2",
      DATA_DIR: ".data/e2e-cluster-w",
    });
    started.push(b, worker);
    await Promise.all([
      waitUntilUp(b, `http://127.0.0.1:${PORT_B}/api/health`, 300_000),
      waitForOutput(worker, "run worker(s)", 120_000),
    ]);
    await db.connect();

    step("B and the worker are up");
    // Exactly one instance runs the indexer and one the attester.
    const leads = async () =>
      Promise.all(
        [PORT_A, PORT_B].map(
          async (port) =>
            (
              (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as {
                leads: { indexer: boolean; attester: boolean };
              }
            ).leads,
        ),
      );
    await expect
      .poll(async () => {
        const [la, lb] = await leads();
        return [Number(la!.indexer) + Number(lb!.indexer), Number(la!.attester) + Number(lb!.attester)];
      })
      .toEqual([1, 1]);

    // Organisations and keys, as the console would make them.
    const one = async <T>(text: string, values: unknown[] = []) => (await db.query(text, values)).rows[0] as T;
    const csv = await one<{ id: string; owner_id: string }>(`select id, owner_id from agents where slug = 'csv-stats'`);
    const organisation = async (name: string, agentId: string, granted: number) => {
      const org = await one<{ id: string }>(`insert into organizations (name, slug) values ($1, $2) returning id`, [
        name,
        `${name.toLowerCase().replace(/\W+/g, "-")}-${randomUUID().slice(0, 8)}`,
      ]);
      await db.query(`insert into credits (org_id, agent_id, granted) values ($1, $2, $3)`, [org.id, agentId, granted]);
      return org.id;
    };
    const key = async (orgId: string, agentId: string, perMinute: number) => {
      const k = generateApiKey();
      await db.query(
        `insert into api_keys (org_id, name, prefix, key_hash, agent_ids, rate_limit_per_minute) values ($1, 'k', $2, $3, $4, $5)`,
        [orgId, k.prefix, k.hash, `{${agentId}}`, perMinute],
      );
      return k.secret;
    };
    const input = { csv: "city,temp\nOslo,3\nLisbon,17" };
    const post = (port: number, secret: string, slug = "csv-stats", headers: Record<string, string> = {}) =>
      fetch(`http://127.0.0.1:${port}/api/v1/agents/${slug}/runs`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", ...headers },
        body: JSON.stringify({ input: slug === "csv-stats" ? input : {} }),
      });
    const statuses = async (responses: Promise<Response>[]) => {
      const counts: Record<number, number> = {};
      for (const r of await Promise.all(responses)) counts[r.status] = (counts[r.status] ?? 0) + 1;
      return counts;
    };

    step("one indexer, one attester");
    // N credits give exactly N runs, whichever instance takes each request.
    const buyer = await organisation("Thirty Credits", csv.id, 30);
    const buyerKey = await key(buyer, csv.id, 1000);
    expect(await statuses(Array.from({ length: 40 }, (_, i) => post(i % 2 ? PORT_B : PORT_A, buyerKey)))).toEqual({
      201: 30,
      402: 10,
    });
    expect(await one(`select used::int from credits where org_id = $1`, [buyer])).toEqual({ used: 30 });
    expect(await one(`select count(*)::int as n from executions where org_id = $1`, [buyer])).toEqual({ n: 30 });
    // Both instances served them.
    for (const port of [PORT_A, PORT_B]) {
      const scraped = await (await fetch(`http://127.0.0.1:${port}/api/metrics`)).text();
      const served =
        /ainomads_http_requests_total\{route="\/api\/v1\/agents\/\{slug\}\/runs",method="POST",status="201"\} (\d+)/.exec(
          scraped,
        );
      expect(Number(served?.[1]), `instance on ${port}`).toBeGreaterThanOrEqual(10);
    }

    step("credits and load spread checked");
    // A key's rate limit holds across instances (one fixed window a minute: stay inside one).
    const limited = await key(await organisation("Rate Limited", csv.id, 100), csv.id, 10);
    while (new Date().getUTCSeconds() > 45 || new Date().getUTCSeconds() < 2)
      await new Promise((r) => setTimeout(r, 500));
    expect(await statuses(Array.from({ length: 16 }, (_, i) => post(i % 2 ? PORT_B : PORT_A, limited)))).toEqual({
      201: 10,
      429: 6,
    });

    step("rate limit checked");
    // Runs accepted by either instance are run by the worker process, under their ids.
    const asyncOrg = await organisation("Async Co", csv.id, 10);
    const asyncKey = await key(asyncOrg, csv.id, 1000);
    const accepted = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const r = await post(i % 2 ? PORT_B : PORT_A, asyncKey, "csv-stats", { prefer: "respond-async" });
        expect(r.status).toBe(202);
        return ((await r.json()) as { id: string }).id;
      }),
    );
    await expect
      .poll(
        async () =>
          (
            await db.query(`select status from executions where id = any($1::uuid[])`, [`{${accepted.join(",")}}`])
          ).rows.map((r: { status: string }) => r.status),
        { timeout: 30_000 },
      )
      .toEqual(Array(6).fill("succeeded"));

    step("async runs done");
    // Every receipt is attested once, by the one attester: each batch has its own transaction.
    await expect
      .poll(
        async () =>
          one(
            `select (select count(*)::int from executions e where e.agent_id = $1 and e.source = 'api'
                       and e.status <> 'running' and e.receipt_batch_id is null) as unbatched,
                    (select count(*)::int from receipt_batches where agent_id = $1 and tx_hash is null) as unattested`,
            [csv.id],
          ),
        { timeout: 60_000 },
      )
      .toEqual({ unbatched: 0, unattested: 0 });
    const batches = await one<{ n: number; txs: number }>(
      `select count(*)::int as n, count(distinct tx_hash)::int as txs from receipt_batches where agent_id = $1`,
      [csv.id],
    );
    expect(batches.n).toBeGreaterThan(0);
    expect(batches.txs).toBe(batches.n);

    step("receipts attested");
    // kill -9 of an instance in the middle of a synchronous run: the run is left running
    // with its deadline; past it the reaper (any instance's) ends it once, refunded.
    const slow = await one<{ id: string }>(
      `insert into agents (owner_id, slug, name, category, status) values ($1, $2, 'Slow', 'data', 'published') returning id`,
      [csv.owner_id, `slow-${randomUUID().slice(0, 8)}`],
    );
    const slowSlug = (await one<{ slug: string }>(`select slug from agents where id = $1`, [slow.id])).slug;
    const version = await one<{ id: string }>(
      `insert into agent_versions (agent_id, version, spec, spec_hash, price_wei) values ($1, 1, $2, 'slow', 1000) returning id`,
      [
        slow.id,
        JSON.stringify({
          code: "async function handler() { const end = Date.now() + 20000; while (Date.now() < end) {} return {}; }",
          inputSchema: { type: "object" },
          limits: { timeoutMs: 30_000 },
        }),
      ],
    );
    await db.query(`update agents set current_version_id = $1 where id = $2`, [version.id, slow.id]);
    const victim = await organisation("Interrupted Co", slow.id, 2);
    const victimKey = await key(victim, slow.id, 1000);
    const interrupted = post(PORT_B, victimKey, slowSlug).then(
      (r) => r.status,
      () => "connection lost",
    );
    await expect
      .poll(async () =>
        one(`select count(*)::int as n from executions where org_id = $1 and status = 'running'`, [victim]),
      )
      .toEqual({ n: 1 });
    await killHard(b);
    expect(await interrupted).toBe("connection lost");
    const left = await one<{ id: string; status: string; deadline_at: Date }>(
      `select id, status, deadline_at from executions where org_id = $1`,
      [victim],
    );
    expect(left.status).toBe("running");
    expect(await one(`select used::int from credits where org_id = $1`, [victim])).toEqual({ used: 1 });
    const reaped = execFileSync(
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", "e2e/fixtures/reap-overdue.ts"],
      {
        env: { ...process.env, DATABASE_URL: url, AHEAD_MS: String(left.deadline_at.getTime() - Date.now() + 1000) },
      },
    ).toString();
    expect(JSON.parse(reaped.trim().split("\n").pop()!)).toEqual({ ended: 1 });
    expect(
      await one(`select id, status::text, error_code, credit_refunded from executions where org_id = $1`, [victim]),
    ).toEqual({ id: left.id, status: "failed", error_code: "RUN_INTERRUPTED", credit_refunded: true });
    expect(await one(`select used::int from credits where org_id = $1`, [victim])).toEqual({ used: 0 });

    step("interrupted run reaped");
    // The remaining instance keeps serving; a restarted one joins again.
    expect((await post(PORT_A, asyncKey)).status).toBe(201);
    b = startB();
    started.push(b);
    await waitUntilUp(b, `http://127.0.0.1:${PORT_B}/api/health`, 120_000);
    expect((await post(PORT_B, asyncKey)).status).toBe(201);
    const [la, lb] = await leads();
    expect([Number(la!.indexer) + Number(lb!.indexer), Number(la!.attester) + Number(lb!.attester)]).toEqual([1, 1]);
  } finally {
    await Promise.all(started.map(killHard));
    await db.end().catch(() => {});
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
    await admin.end();
    for (const dir of ["a", "b", "w"]) rmSync(`.data/e2e-cluster-${dir}`, { recursive: true, force: true });
  }
});
