/**
 * The galaxy's routes: the public galaxy (published agents only, read once per interval
 * however many ask), a creator's own galaxy (signed in, their agents only), and the pulse
 * feed (from memory, bounded, never more than it holds).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { testBackends } from "@/db/testing";
import { createUser } from "@/db/queries/users";
import { doublerSpec, publishedAgent } from "@/lib/api/fixtures.testing";
import type { SessionUser } from "@/lib/auth/session";

const state = vi.hoisted(() => ({ user: null as SessionUser | null, db: undefined as unknown }));
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => state.user }));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));

const publicRoute = (await import("@/app/api/galaxy/route")).GET;
const creatorRoute = (await import("@/app/api/dashboard/creator/galaxy/route")).GET;
const pulsesRoute = (await import("@/app/api/galaxy/pulses/route")).GET;
const { addPulses, CAPACITY } = await import("./pulses");

const get = (path: string) => new Request(`http://localhost:3000${path}`);
const noParams = { params: Promise.resolve({}) };
type GalaxyBody = { agents: { id: string }[]; links: unknown[]; runDays: number };

describe("the pulse feed", () => {
  const pulses = async (after?: string | number) =>
    (await (await pulsesRoute(get(`/api/galaxy/pulses${after === undefined ? "" : `?after=${after}`}`))).json()) as {
      next: number;
      agentIds: string[];
    };

  test("a galaxy that just opened gets the current number, then only what ran after it, once per agent", async () => {
    const start = await pulses();
    expect(start.agentIds).toEqual([]);
    addPulses(["a", "b", "a"]);
    const next = await pulses(start.next);
    expect(next).toEqual({ next: start.next + 3, agentIds: ["a", "b"] });
    expect((await pulses(next.next)).agentIds).toEqual([]);
  });

  test("a reader far behind gets at most what the feed holds; nonsense numbers get none", async () => {
    const start = await pulses();
    addPulses(Array.from({ length: CAPACITY * 3 }, (_, i) => `agent-${i}`));
    const behind = await pulses(start.next);
    expect(behind.agentIds).toHaveLength(CAPACITY);
    expect(behind.agentIds.at(-1)).toBe(`agent-${CAPACITY * 3 - 1}`);
    for (const after of ["-1", "abc", "1e9", "99999999999999999999", String(behind.next + 5)])
      expect((await pulses(after)).agentIds).toEqual([]);
  });
});

describe.each(await testBackends())("galaxy routes on $name", (backend) => {
  let handle: DbHandle;
  let creator: SessionUser;
  let mine: string;
  let theirs: string;

  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
    const person = async (name: string) => {
      const user = await createUser(handle.db, {
        email: `${name}-${randomUUID()}@example.com`,
        name,
        passwordHash: null,
      });
      return { id: user.id, email: user.email, name, sessionVersion: 0 } as unknown as SessionUser;
    };
    creator = await person("creator");
    const stranger = await person("stranger");
    mine = (await publishedAgent(handle.db, creator.id, doublerSpec)).id;
    theirs = (await publishedAgent(handle.db, stranger.id, doublerSpec)).id;
  });
  afterAll(() => handle?.close());

  test("a creator's galaxy needs a session and holds only their agents", async () => {
    state.user = null;
    expect((await creatorRoute(get("/api/dashboard/creator/galaxy"), noParams)).status).toBe(401);
    state.user = creator;
    const response = await creatorRoute(get("/api/dashboard/creator/galaxy"), noParams);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("private");
    const body = (await response.json()) as GalaxyBody;
    expect(body.agents.map((a) => a.id)).toEqual([mine]);
  });

  test("the public galaxy is read once per interval, whoever asks", async () => {
    state.user = null;
    const first = (await (await publicRoute()).json()) as GalaxyBody;
    expect(first.agents.map((a) => a.id)).toEqual(expect.arrayContaining([mine, theirs]));
    expect(first.runDays).toBe(30);
    // A third agent published now is not there until the cached read expires.
    await publishedAgent(handle.db, creator.id, doublerSpec);
    const second = (await (await publicRoute()).json()) as GalaxyBody;
    expect(second.agents).toHaveLength(first.agents.length);
    (globalThis as { __aiNomadsPublicGalaxy?: unknown }).__aiNomadsPublicGalaxy = undefined;
    const third = (await (await publicRoute()).json()) as GalaxyBody;
    expect(third.agents).toHaveLength(first.agents.length + 1);
    (globalThis as { __aiNomadsPublicGalaxy?: unknown }).__aiNomadsPublicGalaxy = undefined;
  });
});
