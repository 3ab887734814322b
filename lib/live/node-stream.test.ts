/**
 * The lean live stream as `npm start` serves it: the hook (lib/platform/lean-routes-hook.mjs)
 * answers /api/live on the bare Node request before the app's own listener, with the same
 * session, audience, per-user limit and events as the Next.js route, the API's security
 * headers, and every other path left to the app. A real HTTP server on loopback.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { createUser } from "@/db/queries/users";
import { testBackends } from "@/db/testing";
import { orgWithKey } from "@/lib/api/fixtures.testing";
import type { SessionUser } from "@/lib/auth/session";
import { readEvents } from "./sse.testing";

// The session is the cookie `test-user=<id>` here; the real check is next-auth's (lib/auth/session.ts).
const state = vi.hoisted(() => ({
  users: new Map<string, SessionUser>(),
  db: undefined as unknown,
  checking: 0,
  mostChecking: 0,
  checkMs: 0,
}));
vi.mock("@/lib/auth/session", () => ({
  sessionUserFromHeaders: async (headers: http.IncomingHttpHeaders) => {
    state.mostChecking = Math.max(state.mostChecking, ++state.checking);
    await new Promise((resolve) => setTimeout(resolve, state.checkMs));
    state.checking--;
    return state.users.get(/test-user=([\w-]+)/.exec(String(headers.cookie ?? ""))?.[1] ?? "") ?? null;
  },
}));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));

await import("../platform/lean-routes-hook.mjs");
const { installLeanRoutes } = await import("@/lib/http/lean-routes");
const { handleLiveRequest, SETUPS_AT_ONCE } = await import("./node-stream");
const { publish, subscriptionCount } = await import("./bus");
const { MAX_STREAMS_PER_USER } = await import("./stream");

describe.each(await testBackends())("the lean live stream on $name", (backend) => {
  let handle: DbHandle;
  let server: http.Server;
  let base: string;
  let creator: SessionUser;
  let member: SessionUser;
  let orgId: string;

  const open = (path: string, user?: SessionUser, init: RequestInit = {}) => {
    const abort = new AbortController();
    const response = fetch(`${base}${path}`, {
      ...init,
      signal: abort.signal,
      headers: user ? { cookie: `other=1; test-user=${user.id}` } : {},
    });
    return { response, abort };
  };

  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
    const person = async (name: string) => {
      const user = await createUser(handle.db, {
        email: `${name}-${randomUUID()}@example.com`,
        name,
        passwordHash: null,
      });
      const sessionUser = { id: user.id, name, email: user.email };
      state.users.set(user.id, sessionUser);
      return sessionUser;
    };
    creator = await person("creator");
    const buyer = await orgWithKey(handle.db, []);
    orgId = buyer.org.id;
    member = { id: buyer.user.id, name: "Enterprise", email: buyer.user.email };
    state.users.set(member.id, member);
    installLeanRoutes({ "/api/live": handleLiveRequest });
    server = http.createServer((_request, response) => response.writeHead(200).end("the app"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await handle?.close();
  });

  test("other paths go to the app; refusals are problems with the API's security headers", async () => {
    expect(await (await fetch(`${base}/api/live/`)).text()).toBe("the app");
    expect(await (await fetch(`${base}/api/lives?scope=creator`)).text()).toBe("the app");
    const signedOut = await fetch(`${base}/api/live?scope=creator`);
    expect(signedOut.status).toBe(401);
    expect(signedOut.headers.get("content-type")).toContain("application/problem+json");
    expect(signedOut.headers.get("x-content-type-options")).toBe("nosniff");
    expect(signedOut.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    const cookie = { cookie: `test-user=${creator.id}` };
    expect((await fetch(`${base}/api/live?scope=creator`, { method: "POST", headers: cookie })).status).toBe(405);
    expect((await fetch(`${base}/api/live?scope=nonsense`, { headers: cookie })).status).toBe(422);
    // Someone else's organisation does not exist for this user.
    expect((await fetch(`${base}/api/live?scope=org&org=${orgId}`, { headers: cookie })).status).toBe(404);
  });

  test("a creator hears their agents, a member their organisation, each once per burst; closing frees everything", async () => {
    const before = subscriptionCount();
    const mine = open("/api/live?scope=creator", creator);
    const theirs = open(`/api/live?scope=org&org=${orgId}`, member);
    const [mineResponse, theirsResponse] = await Promise.all([mine.response, theirs.response]);
    expect(mineResponse.status).toBe(200);
    expect(mineResponse.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(mineResponse.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await readEvents(mineResponse, 1)).toEqual(["ready {}"]);
    expect(await readEvents(theirsResponse, 1)).toEqual(["ready {}"]);
    expect(subscriptionCount()).toBe(before + 2);

    publish({ kind: "run", ownerId: creator.id, orgId: null });
    publish({ kind: "run", ownerId: creator.id, orgId: null });
    publish({ kind: "purchase", ownerId: null, orgId });
    expect(await readEvents(mineResponse, 1)).toEqual(['update {"kinds":["run"]}']);
    expect(await readEvents(theirsResponse, 1)).toEqual(['update {"kinds":["purchase"]}']);

    mine.abort.abort();
    theirs.abort.abort();
    await expect.poll(() => subscriptionCount()).toBe(before);
  });

  test(`a storm of stream openings is checked at most ${SETUPS_AT_ONCE} at a time, and every one is answered`, async () => {
    state.checkMs = 20;
    state.mostChecking = 0;
    try {
      const statuses = await Promise.all(
        Array.from({ length: SETUPS_AT_ONCE * 3 }, (_, i) =>
          fetch(`${base}/api/live?scope=creator`, { headers: { cookie: `test-user=nobody-${i}` } }).then(
            (r) => r.status,
          ),
        ),
      );
      expect(statuses.every((status) => status === 401)).toBe(true);
      expect(state.mostChecking).toBe(SETUPS_AT_ONCE);
    } finally {
      state.checkMs = 0;
    }
  });

  test(`at most ${MAX_STREAMS_PER_USER} streams per user, shared with the Next.js route's count`, async () => {
    const streams = Array.from({ length: MAX_STREAMS_PER_USER }, () => open("/api/live?scope=creator", creator));
    for (const stream of streams) expect((await stream.response).status).toBe(200);
    const refused = await fetch(`${base}/api/live?scope=creator`, { headers: { cookie: `test-user=${creator.id}` } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("30");
    streams[0]!.abort.abort();
    await expect
      .poll(async () => {
        const again = open("/api/live?scope=creator", creator);
        const status = (await again.response).status;
        streams.push(again);
        return status;
      })
      .toBe(200);
    for (const stream of streams) stream.abort.abort();
  });
});
