/**
 * The dashboard and live-update routes through their wrapper, on a real database: who may
 * read what (a creator their own agents, a member their organisation; others 404), the
 * range validation, and that a finished run reaches exactly the streams allowed to hear it.
 */
import { bucketStarts } from "./range";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { testBackends } from "@/db/testing";
import { orgWithKey, publishedAgent, doublerSpec } from "@/lib/api/fixtures.testing";
import { createUser } from "@/db/queries/users";
import type { SessionUser } from "@/lib/auth/session";
import { readEvents } from "@/lib/live/sse.testing";

const state = vi.hoisted(() => ({ user: null as SessionUser | null, db: undefined as unknown }));
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => state.user }));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));

const creatorRoute = (await import("@/app/api/dashboard/creator/route")).GET;
const orgRoute = (await import("@/app/api/dashboard/orgs/[orgId]/route")).GET;
const liveRoute = (await import("@/app/api/live/route")).GET;
const earningsRoute = (await import("@/app/api/dashboard/creator/earnings/route")).GET;
const { publish, subscriptionCount } = await import("@/lib/live/bus");
const { MAX_STREAMS_PER_USER } = await import("@/lib/live/stream");

const get = (path: string, signal?: AbortSignal) => new Request(`http://localhost:3000${path}`, { signal });
const noParams = { params: Promise.resolve({}) };

describe.each(await testBackends())("dashboard routes on $name", (backend) => {
  let handle: DbHandle;
  let creator: SessionUser;
  let stranger: SessionUser;
  let agentSlug: string;
  let buyer: Awaited<ReturnType<typeof orgWithKey>>;

  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
    const person = async (name: string) => {
      const email = `${name}-${randomUUID()}@example.com`;
      const user = await createUser(handle.db, { email, name, passwordHash: null });
      return { id: user.id, name, email };
    };
    creator = await person("creator");
    stranger = await person("stranger");
    const agent = await publishedAgent(handle.db, creator.id, doublerSpec);
    agentSlug = agent.slug;
    buyer = await orgWithKey(handle.db, [agent.id], { credits: 5 });
  });
  afterAll(() => handle?.close());

  test("signed out: 401; another creator's agent and another organisation: 404", async () => {
    state.user = null;
    expect((await creatorRoute(get("/api/dashboard/creator"), noParams)).status).toBe(401);
    expect((await earningsRoute(get("/api/dashboard/creator/earnings"), noParams)).status).toBe(401);
    state.user = stranger;
    expect((await creatorRoute(get(`/api/dashboard/creator?agent=${agentSlug}`), noParams)).status).toBe(404);
    const org = { params: Promise.resolve({ orgId: buyer.org.id }) };
    expect((await orgRoute(get(`/api/dashboard/orgs/${buyer.org.id}`), org)).status).toBe(404);
    expect((await liveRoute(get(`/api/live?scope=org&org=${buyer.org.id}`), noParams)).status).toBe(404);
    expect(
      (await orgRoute(get("/api/dashboard/orgs/not-a-uuid"), { params: Promise.resolve({ orgId: "x" }) })).status,
    ).toBe(404);
  });

  test("ranges are validated: unknown zones, reversed or too long custom ranges get 422", async () => {
    state.user = creator;
    for (const query of [
      "tz=Mars/Olympus",
      "range=custom&from=2026-02-01&to=2026-01-01",
      "range=custom&from=2020-01-01&to=2026-01-01",
      "range=custom&from=2026-01-01",
      "range=forever",
    ]) {
      const response = await creatorRoute(get(`/api/dashboard/creator?${query}`), noParams);
      expect(response.status, query).toBe(422);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
    }
    const ok = await creatorRoute(
      get(`/api/dashboard/creator?agent=${agentSlug}&range=30d&tz=America/New_York`),
      noParams,
    );
    expect(ok.status).toBe(200);
    const data = await ok.json();
    expect(data.range).toMatchObject({ bucket: "day", timeZone: "America/New_York" });
    // 30 days ending with the current hour touch 31 calendar days, or 30 when that hour ends
    // at midnight in the viewer's zone (between 23:00 and 24:00 in New York).
    const days = bucketStarts({
      from: new Date(data.range.from),
      to: new Date(data.range.to),
      bucket: "day",
      timeZone: "America/New_York",
    }).length;
    expect([30, 31]).toContain(days);
    expect(data.runs).toHaveLength(days);
    expect(data.agent.slug).toBe(agentSlug);
  });

  test("the live stream: a creator hears their agents' runs, a member their organisation's, nobody else", async () => {
    const open = async (user: SessionUser, query: string) => {
      state.user = user;
      const abort = new AbortController();
      // The request is kept: its signal follows `abort` only while the request lives (undici).
      const request = get(`/api/live?${query}`, abort.signal);
      const response = await liveRoute(request, noParams);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      return { response, abort, request };
    };
    const before = subscriptionCount();
    const mine = await open(creator, "scope=creator");
    const theirs = await open(stranger, "scope=creator");
    const member = await open(buyer.user, `scope=org&org=${buyer.org.id}`);
    expect(subscriptionCount()).toBe(before + 3);
    expect(await readEvents(mine.response, 1)).toEqual(["ready {}"]);
    expect(await readEvents(member.response, 1)).toEqual(["ready {}"]);
    expect(await readEvents(theirs.response, 1)).toEqual(["ready {}"]);

    // Two runs in a burst reach the creator and the organisation as one update; the stranger hears nothing.
    publish({ kind: "run", ownerId: creator.id, orgId: buyer.org.id });
    publish({ kind: "run", ownerId: creator.id, orgId: buyer.org.id });
    expect(await readEvents(mine.response, 1)).toEqual(['update {"kinds":["run"]}']);
    expect(await readEvents(member.response, 1)).toEqual(['update {"kinds":["run"]}']);
    publish({ kind: "purchase", ownerId: stranger.id, orgId: null });
    expect(await readEvents(theirs.response, 1)).toEqual(['update {"kinds":["purchase"]}']);

    for (const stream of [mine, theirs, member]) stream.abort.abort();
    expect(subscriptionCount()).toBe(before);
  });

  test(`at most ${MAX_STREAMS_PER_USER} live streams per user`, async () => {
    state.user = stranger;
    const aborts = [];
    const requests = []; // kept alive: a request's signal follows its controller only while it lives
    for (let i = 0; i < MAX_STREAMS_PER_USER; i++) {
      const abort = new AbortController();
      aborts.push(abort);
      requests.push(get("/api/live?scope=creator", abort.signal));
      expect((await liveRoute(requests.at(-1)!, noParams)).status).toBe(200);
    }
    const refused = await liveRoute(get("/api/live?scope=creator"), noParams);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("30");
    aborts[0]!.abort();
    const abort = new AbortController();
    requests.push(get("/api/live?scope=creator", abort.signal));
    expect((await liveRoute(requests.at(-1)!, noParams)).status).toBe(200);
    for (const a of [...aborts, abort]) a.abort();
    expect(requests.every((r) => r.signal.aborted)).toBe(true);
  });
});

test("one user runs at most two dashboard reads at once; the rest wait, and a request that goes away gives its turn up", async () => {
  const { withDashboardSlot, DASHBOARD_READS_PER_USER } = await import("./data");
  const user = randomUUID();
  let running = 0;
  let most = 0;
  const gates: (() => void)[] = [];
  const read = () =>
    new Promise<void>((resolve) => {
      running++;
      most = Math.max(most, running);
      gates.push(() => {
        running--;
        resolve();
      });
    });
  const gone = new AbortController();
  const reads = [0, 1, 2, 3].map(() => withDashboardSlot(user, new AbortController().signal, read));
  const abandoned = withDashboardSlot(user, gone.signal, read);
  await new Promise((r) => setTimeout(r, 10));
  expect(running).toBe(DASHBOARD_READS_PER_USER);
  gone.abort(new Error("gone"));
  await expect(abandoned).rejects.toThrow("gone");
  // Another user is not held up by this one.
  let other = false;
  await withDashboardSlot(randomUUID(), new AbortController().signal, async () => {
    other = true;
  });
  expect(other).toBe(true);
  while (gates.length) {
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(reads);
  expect(most).toBe(DASHBOARD_READS_PER_USER);
});
