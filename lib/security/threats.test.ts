/**
 * Threat detection: bursts of refused requests, failed sign-ins and scanner probes from
 * one source block it for a cooling-off period (429 with Retry-After) on every instance,
 * with one audit entry per block; normal traffic from others passes. The server-level guard
 * is tried through its hook (lib/platform/threat-guard-hook.mjs) on a real HTTP server.
 */
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "@/db/client";
import { liftRequestBlock } from "@/db/queries/operator";
import { createUser } from "@/db/queries/users";
import { rowsOf } from "@/db/queries/raw-rows";
import { testBackends } from "@/db/testing";
import { createRun } from "@/lib/api/handlers/create-run";
import { apiRequest, doublerSpec, orgWithKey, publishedAgent } from "@/lib/api/fixtures.testing";
import { problemTypeUri } from "@/lib/api/problem";
import { signInWithPassword } from "@/lib/auth/password-sign-in";
import { hashPassword } from "@/lib/auth/password";
import { guardRequest } from "./guard";
import { addressSource, isProbePath, keySource, ThreatDetector, type ThreatThresholds } from "./threats";

await import("../platform/threat-guard-hook.mjs");

const thresholds: ThreatThresholds = { refused: 5, sign_in_failed: 3, probe: 2, blockSeconds: 600 };
const slot = globalThis as { __aiNomadsThreats?: ThreatDetector; __aiNomadsGuardRequest?: unknown };

describe("the detector", () => {
  test("blocks a source at its threshold for the cooling-off period, per kind, and never an allowed one", () => {
    const detector = new ThreatDetector(thresholds, new Set(["ip:10.0.0.1"]));
    const t0 = Date.parse("2026-12-05T10:00:05Z");
    for (let i = 0; i < 4; i++) detector.record("ip:a", "refused", t0);
    expect(detector.retryAfter("ip:a", t0)).toBe(0);
    detector.record("ip:a", "refused", t0);
    expect(detector.retryAfter("ip:a", t0)).toBe(600);
    expect(detector.retryAfter("ip:a", t0 + 599_500)).toBe(1);
    expect(detector.retryAfter("ip:a", t0 + 600_000)).toBe(0);
    // Kinds count apart; each has its threshold.
    detector.record("ip:b", "refused", t0);
    detector.record("ip:b", "probe", t0);
    expect(detector.retryAfter("ip:b", t0)).toBe(0);
    detector.record("ip:b", "probe", t0);
    expect(detector.retryAfter("ip:b", t0)).toBe(600);
    for (let i = 0; i < 50; i++) detector.record("ip:10.0.0.1", "sign_in_failed", t0);
    expect(detector.retryAfter("ip:10.0.0.1", t0)).toBe(0);
  });

  test("an IPv6 client counts by its /64: rotating addresses inside it escapes nothing; IPv4 and mapped IPv4 as they are", () => {
    expect(addressSource("2001:db8:1:2:aaaa::1")).toBe("ip:2001:db8:1:2::/64");
    expect(addressSource("2001:0db8:0001:0002:ffff:1:2:3")).toBe("ip:2001:db8:1:2::/64");
    expect(addressSource("2001:db8::1")).toBe("ip:2001:db8:0:0::/64");
    expect(addressSource("fe80::1%eth0")).toBe("ip:fe80:0:0:0::/64");
    expect(addressSource("::ffff:198.51.100.7")).toBe("ip:198.51.100.7");
    expect(addressSource("198.51.100.7")).toBe("ip:198.51.100.7");
    expect(addressSource("unknown")).toBe("ip:unknown");
    const detector = new ThreatDetector(thresholds);
    for (let i = 0; i < 5; i++) detector.record(addressSource(`2001:db8:1:2::${i + 1}`), "refused");
    expect(detector.retryAfter(addressSource("2001:db8:1:2:ffff::9"))).toBe(600);
    expect(detector.retryAfter(addressSource("2001:db8:1:3::1"))).toBe(0);
    // No address, nothing to block.
    for (let i = 0; i < 50; i++) detector.record("ip:unknown", "refused");
    expect(detector.retryAfter("ip:unknown")).toBe(0);
  });

  test("counts per minute: a steady trickle below the threshold each minute is never blocked", () => {
    const detector = new ThreatDetector(thresholds);
    const t0 = Date.parse("2026-12-05T10:00:00Z");
    for (let minute = 0; minute < 10; minute++)
      for (let i = 0; i < 4; i++) detector.record("key:k", "refused", t0 + minute * 60_000 + i * 1000);
    expect(detector.retryAfter("key:k", t0 + 600_000)).toBe(0);
  });

  test("scanner probes are recognised; the product's own paths are not", () => {
    for (const path of [
      "/.env",
      "/.git/config",
      "/app/.env.production",
      "/wp-login.php",
      "/wp-admin/",
      "/phpmyadmin/index.php",
      "/index.php?x=1",
      "/cgi-bin/luci",
      "/actuator/health",
      "/static/../../etc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/server-status",
    ])
      expect(isProbePath(path), path).toBe(true);
    for (const path of [
      "/",
      "/agents",
      "/agents/csv-stats",
      "/api/v1/agents/doc-summarizer/runs",
      "/docs/api",
      "/_next/static/chunks/app/page-abc.js",
      "/icons/icon-192.png",
      "/manifest.webmanifest",
      "/sign-in?callbackUrl=%2Fstudio",
      "/orgs/8b0c/api",
      "/agents/php-helper",
      "/agents/env-checker",
    ])
      expect(isProbePath(path), path).toBe(false);
  });
});

describe.each(await testBackends())("threat detection on $name", (backend) => {
  let handle: DbHandle;
  let server: http.Server;
  let base: string;
  let detector: ThreatDetector;
  const previous = slot.__aiNomadsThreats;
  beforeAll(async () => {
    handle = await backend.open();
    detector = new ThreatDetector(thresholds);
    detector.attach(handle.db);
    slot.__aiNomadsThreats = detector;
    slot.__aiNomadsGuardRequest = (request: http.IncomingMessage, response: http.ServerResponse) =>
      guardRequest(detector, request, response);
    // The app: /refuse answers 401, /missing 404, anything else 200.
    server = http.createServer((request, response) => {
      const status = request.url === "/refuse" ? 401 : request.url === "/missing" ? 404 : 200;
      response.writeHead(status).end(String(status));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    delete slot.__aiNomadsGuardRequest;
    slot.__aiNomadsThreats = previous;
    server?.close();
    await handle?.close();
  });

  // The client-address hook leaves one trusted address in X-Forwarded-For; the test plays that hook.
  const from = (address: string, path: string) => fetch(`${base}${path}`, { headers: { "x-forwarded-for": address } });
  const blockEntries = async (source: string) =>
    rowsOf(
      await handle.db.execute(
        sql`select count(*)::int as n from audit_log where action = 'threat.blocked' and target_id = ${source}`,
      ),
    )[0];
  const address = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}-${randomUUID().slice(0, 4)}`;

  test("a scripted burst of refused requests blocks its address with 429 and Retry-After, once on the trail; others pass; every instance keeps the block; lifting it lets the address back", async () => {
    const attacker = address();
    const bystander = address();
    const answers: number[] = [];
    for (let i = 0; i < 8; i++) {
      answers.push((await from(attacker, "/refuse")).status);
      expect((await from(bystander, "/ok")).status).toBe(200);
    }
    expect(answers).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const blocked = await from(attacker, "/ok");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(590);
    const api = await from(attacker, "/api/v1/agents");
    expect(api.headers.get("content-type")).toBe("application/problem+json");
    expect(await api.json()).toMatchObject({ type: problemTypeUri("rate-limited"), status: 429 });
    await detector.settled();
    expect(await blockEntries(addressSource(attacker))).toEqual({ n: 1 });

    // Another instance learns of the block at its next sync.
    const other = new ThreatDetector(thresholds);
    other.attach(handle.db);
    expect(other.retryAfter(addressSource(attacker))).toBe(0);
    await other.sync();
    expect(other.retryAfter(addressSource(attacker))).toBeGreaterThan(590);

    // An operator lifts it: gone for every instance at its next sync.
    await liftRequestBlock(handle.db, { source: addressSource(attacker), now: new Date() });
    await detector.sync();
    await other.sync();
    expect((await from(attacker, "/ok")).status).toBe(200);
    expect(other.retryAfter(addressSource(attacker))).toBe(0);
  });

  test("a block this instance just began survives a sync that does not see its row yet; later, the database decides", async () => {
    const source = addressSource(address());
    const own = new ThreatDetector(thresholds);
    own.attach(handle.db);
    for (let i = 0; i < 5; i++) own.record(source, "refused");
    await own.settled();
    // As if the sync had read before the row was written.
    await handle.db.execute(sql`delete from request_blocks where source = ${source}`);
    await own.sync();
    expect(own.retryAfter(source)).toBeGreaterThan(590);
    await own.sync(new Date(Date.now() + 31_000));
    expect(own.retryAfter(source)).toBe(0);
  });

  test("scanning: probes for scanner paths block the address after THREAT_PROBES_PER_MINUTE, even when answered 200", async () => {
    const scanner = address();
    expect((await from(scanner, "/.env")).status).toBe(200);
    expect((await from(scanner, "/wp-login.php")).status).toBe(200);
    expect((await from(scanner, "/agents")).status).toBe(429);
    await detector.settled();
    expect(await blockEntries(addressSource(scanner))).toEqual({ n: 1 });
  });

  test("an API key whose requests keep being refused is blocked (429 problem) while the organisation's other keys run", async () => {
    const creator = await createUser(handle.db, {
      email: `t-${randomUUID()}@example.com`,
      name: "C",
      passwordHash: null,
    });
    const agent = await publishedAgent(handle.db, creator.id, doublerSpec);
    const other = await publishedAgent(handle.db, creator.id, doublerSpec);
    const noisy = await orgWithKey(handle.db, [agent.id], { credits: 10 });
    const quiet = await orgWithKey(handle.db, [agent.id], { credits: 10 });
    const run = (slug: string, secret: string) =>
      createRun(handle.db, apiRequest(`/agents/${slug}/runs`, { secret, body: { input: { n: 1 } } }), { slug });
    const statuses: number[] = [];
    // Out of scope: refused, 403, again and again.
    for (let i = 0; i < 6; i++) statuses.push((await run(other.slug, noisy.secret)).status);
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
    const blocked = await run(agent.slug, noisy.secret);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(590);
    expect((await run(agent.slug, quiet.secret)).status).toBe(201);
    await detector.settled();
    expect(await blockEntries(keySource(noisy.key.id))).toEqual({ n: 1 });
  });

  test("repeated failed sign-ins from one address block it; a right password from elsewhere still signs in", async () => {
    const password = "a long enough password";
    const email = `s-${randomUUID()}@example.com`;
    await createUser(handle.db, { email, name: "S", passwordHash: await hashPassword(password) });
    const guesser = address();
    for (let i = 0; i < 3; i++)
      await expect(
        signInWithPassword(handle.db, { email, password: `guess ${i} guess` }, guesser),
      ).rejects.toMatchObject({
        code: "UNAUTHORIZED",
      });
    expect(detector.retryAfter(addressSource(guesser))).toBeGreaterThan(590);
    expect((await from(guesser, "/sign-in")).status).toBe(429);
    await expect(signInWithPassword(handle.db, { email, password }, address())).resolves.toMatchObject({ email });
    await detector.settled();
    expect(await blockEntries(addressSource(guesser))).toEqual({ n: 1 });
  });

  test("blocks that ended a day ago are deleted; those in force, and those that just ended, stay", async () => {
    const { deleteEndedRequestBlocks } = await import("@/db/queries/operator");
    const { requestBlocks } = await import("@/db/schema");
    const now = Date.now();
    const rows = [
      { source: `ip:old-${randomUUID()}`, blockedUntil: new Date(now - 2 * 86_400_000) },
      { source: `ip:recent-${randomUUID()}`, blockedUntil: new Date(now - 3_600_000) },
      { source: `ip:active-${randomUUID()}`, blockedUntil: new Date(now + 3_600_000) },
    ];
    await handle.db.insert(requestBlocks).values(rows.map((r) => ({ ...r, reason: "test" })));
    await deleteEndedRequestBlocks(handle.db, { before: new Date(now - 86_400_000), limit: 1000 });
    const left = rowsOf(await handle.db.execute(sql`select source from request_blocks`)).map((r) => r.source);
    expect(left).not.toContain(rows[0]!.source);
    expect(left).toEqual(expect.arrayContaining([rows[1]!.source, rows[2]!.source]));
  });
});
