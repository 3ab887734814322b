import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { deleteRunEventsBefore, listRunEvents } from "@/db/queries/run-events";
import { createUser } from "@/db/queries/users";
import { testBackends } from "@/db/testing";
import { MAX_EVENTS_PER_RUN, publicStep, runEventRecorder, storedEvents } from "@/lib/metering/run-events";
import { processQueuedRun } from "@/lib/queue/run-worker";
import { createRun } from "./handlers/create-run";
import { MAX_EVENT_STREAMS_PER_ORG, runEventsStream } from "./handlers/run-events";
import { apiRequest, doublerSpec, orgWithKey, publishedAgent } from "./fixtures.testing";

// The queue is tested in lib/queue/boss.test.ts; here the test plays the worker.
vi.mock("@/lib/queue/run-worker", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/queue/run-worker")>()),
  enqueueRun: async () => {},
}));

type Sse = { id: number; event: string; data: unknown };
function parseSse(text: string): Sse[] {
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("id:"))
    .map((block) => {
      const field = (name: string) =>
        block
          .split("\n")
          .find((l) => l.startsWith(`${name}: `))!
          .slice(name.length + 2);
      return { id: Number(field("id")), event: field("event"), data: JSON.parse(field("data")) };
    });
}

test("a buyer sees what kind of step ran, never its content: logs, arguments, results and prompts stay the creator's", () => {
  expect(publicStep({ type: "log", at: 1, message: "creator secret" })).toBeNull();
  expect(
    publicStep({ type: "tool", at: 2, durationMs: 30, name: "http_fetch", args: { url: "secret" }, result: "x" }),
  ).toEqual({ kind: "tool", at: 2, durationMs: 30, tool: "http_fetch", ok: true });
  const model = publicStep({
    type: "model",
    at: 3,
    durationMs: 400,
    model: "gpt",
    text: "internal",
    toolCalls: [{ name: "x", args: { secret: 1 } }],
    tokensIn: 10,
    tokensOut: 5,
    finishReason: "stop",
  });
  expect(JSON.stringify(model)).not.toMatch(/internal|secret/);
});

describe.each(await testBackends())("run events on $name", (backend) => {
  let handle: DbHandle;
  let ownerId: string;
  beforeAll(async () => {
    handle = await backend.open();
    ownerId = (
      await createUser(handle.db, { email: `events-${Date.now()}@example.com`, name: "C", passwordHash: null })
    ).id;
  });
  afterAll(() => handle?.close());

  const follow = (id: string, secret: string, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    runEventsStream(
      handle.db,
      new Request(`http://localhost/api/v1/runs/${id}/events`, {
        headers: { authorization: `Bearer ${secret}`, ...headers },
        signal,
      }),
      { id },
    );

  async function queuedRun() {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret } = await orgWithKey(handle.db, [agent.id], { credits: 20, rateLimitPerMinute: 1000 });
    const body = await (
      await createRun(
        handle.db,
        apiRequest(`/agents/${agent.slug}/runs`, {
          secret,
          body: { input: { n: 2 } },
          headers: { prefer: "respond-async" },
        }),
        { slug: agent.slug },
      )
    ).json();
    return { id: body.id as string, secret, agent };
  }

  test("the recorder joins text, numbers events from 1, caps them and always ends with the end", async () => {
    const { id } = await queuedRun();
    const recorder = runEventRecorder(storedEvents(handle.db, id), id);
    recorder.onEvent({ type: "started", executionId: id });
    recorder.onEvent({ type: "text", delta: "Hel" });
    recorder.onEvent({ type: "text", delta: "lo" });
    recorder.onEvent({ type: "step", step: { type: "log", at: 1, message: "hidden" } });
    for (let i = 0; i < MAX_EVENTS_PER_RUN + 20; i++)
      recorder.onEvent({ type: "step", step: { type: "tool", at: i, durationMs: 1, name: "t", args: null } });
    await recorder.end("succeeded", null);
    const events = await listRunEvents(handle.db, { executionId: id, afterSeq: 0, limit: 1000 });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.slice(0, 2)).toEqual([
      { seq: 1, type: "started", data: {} },
      { seq: 2, type: "text", data: { delta: "Hello" } },
    ]);
    expect(events.length).toBe(MAX_EVENTS_PER_RUN + 1);
    expect(events.at(-2)!.type).toBe("truncated");
    expect(events.at(-1)).toMatchObject({ type: "end", data: { status: "succeeded", errorCode: null } });
    expect(JSON.stringify(events)).not.toContain("hidden");
    // Kept a day: the reaper's loop deletes older ones in batches.
    expect(await deleteRunEventsBefore(handle.db, { before: new Date(Date.now() - 3600_000), limit: 100 })).toBe(0);
    let deleted = 0;
    for (let n; (n = await deleteRunEventsBefore(handle.db, { before: new Date(Date.now() + 60_000), limit: 200 }));)
      deleted += n;
    expect(deleted).toBeGreaterThanOrEqual(events.length);
    expect(await listRunEvents(handle.db, { executionId: id, afterSeq: 0, limit: 10 })).toEqual([]);
  });

  test("an async run's events stream in order to its end; a reconnect with Last-Event-ID gets each later event once", async () => {
    const { id, secret } = await queuedRun();
    // The client follows before a worker has the run: the stream waits, then carries it.
    const following = follow(id, secret);
    await new Promise((r) => setTimeout(r, 300));
    expect(await processQueuedRun(handle.db, id)).toBe(true);
    const response = await following;
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = parseSse(await response.text());
    expect(events.map((e) => e.event)).toEqual(["started", "end"]);
    expect(events.map((e) => e.id)).toEqual([1, 2]);
    expect(events.at(-1)!.data).toEqual({ status: "succeeded", errorCode: null });
    const resumed = parseSse(await (await follow(id, secret, { "last-event-id": "1" })).text());
    expect(resumed).toEqual([events[1]]);
    // Another organisation's key cannot follow it.
    const other = await orgWithKey(handle.db, [], { credits: 0 });
    expect((await follow(id, other.secret)).status).toBe(404);
  });

  test("a run recorded without events (synchronous, or cancelled while queued) streams its end only", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret } = await orgWithKey(handle.db, [agent.id], { credits: 1 });
    const sync = await (
      await createRun(handle.db, apiRequest(`/agents/${agent.slug}/runs`, { secret, body: { input: { n: 1 } } }), {
        slug: agent.slug,
      })
    ).json();
    const events = parseSse(await (await follow(sync.id, secret)).text());
    expect(events).toEqual([{ id: 1, event: "end", data: { status: "succeeded", errorCode: null } }]);
  });

  test("Accept: text/event-stream on POST streams a synchronous run; its end event carries the recorded execution", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { secret } = await orgWithKey(handle.db, [agent.id], { credits: 1 });
    const response = await createRun(
      handle.db,
      apiRequest(`/agents/${agent.slug}/runs`, {
        secret,
        body: { input: { n: 21 } },
        headers: { accept: "text/event-stream" },
      }),
      { slug: agent.slug },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = parseSse(await response.text());
    expect(events.map((e) => [e.id, e.event])).toEqual([
      [1, "started"],
      [2, "end"],
    ]);
    const end = events[1]!.data as { status: string; execution: { id: string; output: unknown } };
    expect(end).toMatchObject({ status: "succeeded", execution: { output: { doubled: 42 }, status: "succeeded" } });
    expect(response.headers.get("location")).toBe(`/api/v1/runs/${end.execution.id}`);
    // Refusals come before any stream, as problem details.
    const refused = await createRun(
      handle.db,
      apiRequest(`/agents/${agent.slug}/runs`, {
        secret,
        body: { input: { n: 1 } },
        headers: { accept: "text/event-stream" },
      }),
      { slug: agent.slug },
    );
    expect(refused.status).toBe(402);
  });

  test(`an organisation follows at most ${MAX_EVENT_STREAMS_PER_ORG} runs at once`, async () => {
    const { id, secret } = await queuedRun();
    const abort = new AbortController();
    const open = await Promise.all(
      Array.from({ length: MAX_EVENT_STREAMS_PER_ORG }, () => follow(id, secret, {}, abort.signal)),
    );
    expect(open.every((r) => r.status === 200)).toBe(true);
    const refused = await follow(id, secret);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("5");
    abort.abort();
    await Promise.all(open.map((r) => r.body?.cancel().catch(() => {})));
    await expect.poll(async () => (await follow(id, secret, {}, AbortSignal.timeout(50))).status).toBe(200);
  });
});
