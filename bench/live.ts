/**
 * Live-update benchmark: CONNECTIONS members of one organisation each keep a dashboard's
 * live stream open (GET /api/live, server-sent events) on one production server (`next
 * start`, PGlite), on loopback. The organisation then runs an agent RUNS times through the
 * public API; for each run the delay from its API response (the run has ended and is
 * recorded) to its `update` event reaching each subscriber is measured. Prints p50/p95 of
 * those delays over all subscribers and runs, and the server's resident memory per open
 * stream (RSS with the streams open minus RSS before, from /proc), beside the floor measured
 * the same way on a bare Node.js HTTP server holding as many streams. Targets: p95 ≤ 2 s,
 * ≤ 20 KB per connection. The npm script raises the open-file limit for the 10,000 sockets.
 *
 *   npm run bench:live        (CONNECTIONS=10000 RUNS=10 to change)
 */
import nextEnv from "@next/env";
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { quantile, startServer, stopServer } from "./server";

nextEnv.loadEnvConfig(process.cwd());
const { openDb } = await import("../db/client");
const { runMigrations } = await import("../db/migrate");
const { seedMeteredAgent } = await import("./seed");
const { insertBenchMembers } = await import("../db/queries/dashboards.testing");

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 10);
const PORT = 3900 + Math.floor(Math.random() * 90);
const SECRET = randomBytes(32).toString("hex");

async function seed(dataDir: string) {
  const handle = await openDb({ dataDir });
  try {
    await runMigrations(handle);
    const { orgId, secret } = await seedMeteredAgent(handle.db, "live-doubler");
    const members = await insertBenchMembers(handle.db, { orgId, count: CONNECTIONS });
    return { orgId, secret, members };
  } finally {
    await handle.close();
  }
}

/** A session cookie for a member, as the server's next-auth reads it (same secret). */
async function cookie(userId: string): Promise<string> {
  const value = await encode({
    token: { sub: userId, name: null, email: null, sv: 0 },
    secret: SECRET,
    maxAge: 3600,
  });
  return `next-auth.session-token=${value}`;
}

type Subscriber = { socket: net.Socket; ready: Promise<void>; updates: number[] };

/** Opens one live stream and records when each `update` event arrives. */
function subscribe(orgId: string, sessionCookie: string, port = PORT): Subscriber {
  const updates: number[] = [];
  const socket = net.connect(port, "127.0.0.1");
  let text = "";
  const ready = new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (text.includes("event: ready")) resolve();
      if (!text.startsWith("HTTP/1.1 200")) reject(new Error(`stream refused: ${text.split("\r\n")[0]}`));
      let at: number;
      while ((at = text.indexOf("event: update")) !== -1) {
        updates.push(performance.now());
        text = text.slice(at + 13);
      }
      if (text.length > 4096) text = text.slice(-64);
    });
  });
  socket.write(
    `GET /api/live?scope=org&org=${orgId} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncookie: ${sessionCookie}\r\naccept: text/event-stream\r\n\r\n`,
  );
  return { socket, ready, updates };
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function run(secret: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${PORT}/api/v1/agents/live-doubler/runs`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ input: { n: 2 } }),
  });
  if (response.status !== 201) throw new Error(`run answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
  return performance.now();
}

/** Opens the streams 500 at a time (a reconnect after a restart comes about this fast). */
async function openAll(orgId: string, cookies: string[], port = PORT): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (let i = 0; i < cookies.length; i += 500) {
    const batch = cookies.slice(i, i + 500).map((c) => subscribe(orgId, c, port));
    subscribers.push(...batch);
    await Promise.all(batch.map((s) => s.ready));
  }
  return subscribers;
}

/**
 * The floor, measured in the same run: a bare Node.js HTTP server (no framework, no session
 * check) holding the same number of event streams open for the same requests. What an open
 * connection costs Node itself, which no handler can go below.
 */
async function bareServerKbPerConnection(orgId: string, cookies: string[]): Promise<number> {
  const port = PORT + 100;
  const server = spawn(
    process.execPath,
    [
      "-e",
      `const open = [];
      require("node:http").createServer((request, response) => {
        response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store" });
        response.write("retry: 3000\\nevent: ready\\ndata: {}\\n\\n");
        open.push(response);
      }).listen(${port}, "127.0.0.1", () => process.send("listening"));`,
    ],
    { stdio: ["ignore", "ignore", "inherit", "ipc"] },
  );
  try {
    await new Promise((resolve) => server.once("message", resolve));
    await new Promise((r) => setTimeout(r, 1000));
    const before = rssKb(server.pid!);
    const subscribers = await openAll(orgId, cookies, port);
    await new Promise((r) => setTimeout(r, 3000));
    const kb = (rssKb(server.pid!) - before) / subscribers.length;
    for (const s of subscribers) s.socket.destroy();
    return kb;
  } finally {
    server.kill();
  }
}

await buildIfNeeded();
const dataDir = mkdtempSync(path.join(tmpdir(), "bench-live-"));
const { orgId, secret, members } = await seed(dataDir);
const server = await startServer(PORT, { DATA_DIR: dataDir, AUTH_SECRET: SECRET });
try {
  // Settle, then the memory before any stream.
  await new Promise((r) => setTimeout(r, 2000));
  const before = rssKb(server.pid!);
  const cookies = await Promise.all(members.map(cookie));
  const opened = performance.now();
  const subscribers = await openAll(orgId, cookies);
  console.log(
    `${subscribers.length.toLocaleString("en")} live streams open in ${((performance.now() - opened) / 1000).toFixed(1)} s`,
  );
  await new Promise((r) => setTimeout(r, 3000));
  const after = rssKb(server.pid!);

  const delays: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const counts = subscribers.map((s) => s.updates.length);
    const ended = await run(secret);
    const deadline = performance.now() + 10_000;
    while (subscribers.some((s, i) => s.updates.length === counts[i]) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const missed = subscribers.filter((s, i) => s.updates.length === counts[i]).length;
    if (missed) console.log(`run ${r + 1}: ${missed} subscriber(s) heard nothing within 10 s`);
    for (const [i, s] of subscribers.entries()) {
      const arrived = s.updates[counts[i]!];
      if (arrived !== undefined) delays.push(arrived - ended);
    }
    // Let the coalescing window pass so the next run is its own event.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
  delays.sort((a, b) => a - b);
  const perConnection = ((after - before) * 1024) / subscribers.length;
  console.log(`\nlive updates: ${subscribers.length.toLocaleString("en")} subscribers × ${RUNS} runs`);
  console.log(
    `  delay from a run's end to its event: p50 ${quantile(delays, 0.5).toFixed(0)} ms, p95 ${quantile(delays, 0.95).toFixed(0)} ms, max ${delays.at(-1)?.toFixed(0)} ms (target p95 ≤ 2000 ms)`,
  );
  console.log(
    `  server memory: ${(before / 1024).toFixed(0)} MB before, ${(after / 1024).toFixed(0)} MB with the streams open: ${(perConnection / 1024).toFixed(1)} KB per connection (target ≤ 20 KB)`,
  );
  for (const s of subscribers) s.socket.destroy();
  const floor = await bareServerKbPerConnection(orgId, cookies);
  console.log(
    `  the floor in the same run, a bare Node.js HTTP server holding as many event streams: ${floor.toFixed(1)} KB per connection`,
  );
} finally {
  await stopServer(server);
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`\nReproduce: npm run bench:live   (CONNECTIONS, RUNS to change)`);
