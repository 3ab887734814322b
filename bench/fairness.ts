/**
 * Fairness benchmark: latency of a paying organisation's API runs (a small code agent, a
 * few clients one request at a time) alone, and again while another organisation saturates
 * the sandbox: HOSTILE clients that keep asking for runs of an infinite loop (2 s timeout)
 * and of an agent that fans out 2,000 run_code calls. Both phases run in the same process
 * against the same server (`next start`, PGlite), alternating, so the ratio compares like
 * with like. Target: p99 under attack ≤ 2 × p99 alone.
 *
 *   npm run bench:fairness        (SECONDS=10 ROUNDS=2 CLIENTS=4 HOSTILE=16 ATTACK=both|loop|fanout to change)
 */
import nextEnv from "@next/env";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { Connection, requestBytes } from "./http-client";
import { median, quantile, startServer, stopServer } from "./server";

nextEnv.loadEnvConfig(process.cwd());
const { openDb } = await import("../db/client");
const { runMigrations } = await import("../db/migrate");
const { createAgent, publishAgentVersion } = await import("../db/queries/agents");
const { createApiKey } = await import("../db/queries/api-keys");
const { createOrganization } = await import("../db/queries/organizations");
const { createUser } = await import("../db/queries/users");
const { credits } = await import("../db/schema");
const { generateApiKey } = await import("../lib/api/keys");

const SECONDS = Number(process.env.SECONDS ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const CLIENTS = Number(process.env.CLIENTS ?? 4);
const HOSTILE = Number(process.env.HOSTILE ?? 16);
/** Which attack: "both" (default), "loop" or "fanout", to see what each costs. */
const ATTACK = process.env.ATTACK ?? "both";
const PORT = 3900 + Math.floor(Math.random() * 90);
const host = `127.0.0.1:${PORT}`;

const agents = {
  stats: `async function handler(input) { const values = input.csv.split(",").map(Number); return { n: values.length, sum: values.reduce((a, b) => a + b, 0) }; }`,
  loop: `async function handler() { for (;;) {} }`,
  fanout: `async function handler(input, ctx) { await Promise.all(Array.from({ length: 2000 }, () => ctx.tools.run_code({ code: "let s = 0; for (let i = 0; i < 1e6; i++) s += i; return s" }).catch(() => 0))); return 1; }`,
};

/** One organisation per role, each with a key for its agents and plenty of credits. */
async function seed(dataDir: string) {
  const handle = await openDb({ dataDir });
  try {
    await runMigrations(handle);
    const db = handle.db;
    const user = await createUser(db, { email: "fair@example.com", name: "Fair", passwordHash: null });
    const slugs: Record<string, string> = {};
    const ids: Record<string, string> = {};
    for (const [name, code] of Object.entries(agents)) {
      const agent = await createAgent(db, {
        ownerId: user.id,
        slug: `fair-${name}`,
        name: `Fair ${name}`,
        description: "",
        category: "data",
        tags: [],
      });
      const tools = name === "fanout" ? ["run_code"] : [];
      await db.transaction((tx) =>
        publishAgentVersion(tx, {
          agentId: agent.id,
          ownerId: user.id,
          spec: { code, tools, limits: { timeoutMs: 2_000 } },
          specHash: name,
          changelog: "",
          priceWei: "1",
          payees: [],
        }),
      );
      slugs[name] = agent.slug;
      ids[name] = agent.id;
    }
    const keyFor = async (orgName: string, agentIds: string[]) => {
      const org = await db.transaction((tx) =>
        createOrganization(tx, {
          name: orgName,
          slug: `${orgName}-${randomBytes(3).toString("hex")}`,
          userId: user.id,
        }),
      );
      for (const agentId of agentIds) await db.insert(credits).values({ orgId: org.id, agentId, granted: 10_000_000 });
      const key = generateApiKey();
      await createApiKey(db, {
        orgId: org.id,
        name: orgName,
        prefix: key.prefix,
        keyHash: key.hash,
        agentIds,
        rateLimitPerMinute: 1_000_000,
        monthlyRunCap: null,
        pinnedVersionId: null,
        createdBy: user.id,
      });
      return key.secret;
    };
    return {
      slugs,
      paying: await keyFor("paying", [ids.stats!]),
      hostile: await keyFor("hostile", [ids.loop!, ids.fanout!]),
    };
  } finally {
    await handle.close();
  }
}

const runRequest = (slug: string, secret: string, input: unknown) =>
  requestBytes(
    "POST",
    `/api/v1/agents/${slug}/runs`,
    host,
    { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    JSON.stringify({ input }),
  );

/** CLIENTS paying clients for `seconds`: latencies of runs answered 201 and succeeded. */
async function payingLoad(connections: Connection[], request: () => Buffer, seconds: number) {
  // Fresh connections each phase: `next start` closes one that sat idle for 5 s meanwhile.
  for (let i = 0; i < connections.length; i++) {
    connections[i]!.close();
    connections[i] = new Connection(PORT);
  }
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    connections.map(async (_, i) => {
      while (performance.now() < deadline) {
        const started = performance.now();
        try {
          const reply = await connections[i]!.send(request());
          if (reply.status !== 201 || !reply.body.toString("utf8").includes('"succeeded"')) failures++;
        } catch {
          // A connection the server closed counts as a failure; the client opens another.
          failures++;
          connections[i]!.close();
          connections[i] = new Connection(PORT);
        }
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { runs: latencies.length, failures, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

/** HOSTILE clients asking for loops and fan-outs until `stop` is set; counts their answers by status. */
function hostileLoad(connections: Connection[], requests: (() => Buffer)[]) {
  const statuses = new Map<number, number>();
  let stop = false;
  const done = Promise.all(
    connections.map(async (first, i) => {
      let connection = first;
      while (!stop) {
        try {
          const reply = await connection.send(requests[i % requests.length]!());
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        } catch {
          // The server may close an attacker's connection (status 0 here): open another.
          statuses.set(0, (statuses.get(0) ?? 0) + 1);
          connection.close();
          connection = connections[i] = new Connection(PORT);
        }
      }
    }),
  );
  return {
    statuses,
    async stop() {
      stop = true;
      await done;
    },
  };
}

buildIfNeeded();
const dataDir = mkdtempSync(path.join(tmpdir(), "bench-fairness-"));
const { slugs, paying, hostile } = await seed(dataDir);
const server = await startServer(PORT, { DATA_DIR: dataDir });
const payingConnections = Array.from({ length: CLIENTS }, () => new Connection(PORT));
// Opened for each attack: `next start` closes a keep-alive connection idle for 5 s.
let hostileConnections: Connection[] = [];
try {
  let n = 0;
  const paid = () => runRequest(slugs.stats!, paying, { csv: `${n++},2,3,4,5,6,7,8,9,10` });
  const attacks = [() => runRequest(slugs.loop!, hostile, {}), () => runRequest(slugs.fanout!, hostile, {})].filter(
    (_, i) => ATTACK === "both" || ATTACK === ["loop", "fanout"][i],
  );
  console.log(
    `Fairness benchmark: ${CLIENTS} paying clients, ${SECONDS} s × ${ROUNDS} rounds per phase; attack: ${HOSTILE} clients of another organisation (infinite loops, 2,000-call run_code fan-out)\n`,
  );
  await payingLoad(payingConnections, paid, 3); // warm-up
  const alone: Awaited<ReturnType<typeof payingLoad>>[] = [];
  const attacked: Awaited<ReturnType<typeof payingLoad>>[] = [];
  const hostileStatuses = new Map<number, number>();
  for (let round = 0; round < ROUNDS; round++) {
    alone.push(await payingLoad(payingConnections, paid, SECONDS));
    hostileConnections = Array.from({ length: HOSTILE }, () => new Connection(PORT));
    const attack = hostileLoad(hostileConnections, attacks);
    await new Promise((r) => setTimeout(r, 2_000)); // the attack fills the sandbox first
    attacked.push(await payingLoad(payingConnections, paid, SECONDS));
    await attack.stop();
    for (const connection of hostileConnections) connection.close();
    hostileConnections = [];
    for (const [status, count] of attack.statuses)
      hostileStatuses.set(status, (hostileStatuses.get(status) ?? 0) + count);
  }
  const summary = (phase: typeof alone) => ({
    runs: phase.reduce((s, r) => s + r.runs, 0),
    failures: phase.reduce((s, r) => s + r.failures, 0),
    p50: median(phase.map((r) => r.p50)),
    p99: median(phase.map((r) => r.p99)),
  });
  const a = summary(alone);
  const b = summary(attacked);
  console.log(
    `alone:        ${a.runs} runs, ${a.failures} failed, p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms`,
  );
  console.log(
    `under attack: ${b.runs} runs, ${b.failures} failed, p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms`,
  );
  console.log(
    `p99 under attack / p99 alone: ${(b.p99 / a.p99).toFixed(2)} (target ≤ 2); p50: ${(b.p50 / a.p50).toFixed(2)}`,
  );
  console.log(
    `rounds p99 (ms), alone: ${alone.map((r) => r.p99.toFixed(1)).join(", ")}; under attack: ${attacked.map((r) => r.p99.toFixed(1)).join(", ")}`,
  );
  console.log(`the attacker's answers by status: ${[...hostileStatuses].map(([s, c]) => `${s} × ${c}`).join(", ")}`);
  console.log("\nReproduce: npm run bench:fairness   (SECONDS, ROUNDS, CLIENTS, HOSTILE, ATTACK to change)");
} finally {
  for (const connection of [...payingConnections, ...hostileConnections]) connection.close();
  await stopServer(server);
  rmSync(dataDir, { recursive: true, force: true });
}
