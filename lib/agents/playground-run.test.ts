import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "@/db/client";
import { createAgent } from "@/db/queries/agents";
import { createUser } from "@/db/queries/users";
import { testBackends } from "@/db/testing";
import { MAX_STREAM_EVENT_BYTES, playgroundRun } from "./playground-run";

describe.each(await testBackends())("playground runs on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  async function agentWithCode(code: string, timeoutMs = 1_000) {
    const user = await createUser(handle.db, {
      email: `${randomUUID()}@example.com`,
      name: "Creator",
      passwordHash: null,
    });
    const agent = await createAgent(handle.db, {
      ownerId: user.id,
      slug: `p-${randomUUID()}`,
      name: "Playground",
      description: "",
      category: "other",
      tags: [],
      draftSpec: { code, limits: { timeoutMs } },
    });
    const call = (input: unknown) =>
      playgroundRun({
        db: handle.db,
        request: new Request("http://localhost/"),
        user: { id: user.id, name: null, email: null },
        params: { agentId: agent.id },
        body: async () => ({ input }),
      });
    return { call };
  }

  /** Reads an NDJSON response slowly, as a browser on a slow link would, counting its bytes. */
  async function readSlowly(response: Response) {
    const reader = response.body!.getReader();
    let bytes = 0;
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += new TextDecoder().decode(value);
      await new Promise((r) => setTimeout(r, 1));
    }
    return {
      bytes,
      events: text
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { type: string; execution?: { status: string } }),
    };
  }

  test("a run that logs without end streams at most its byte cap, then its recorded end", async () => {
    const { call } = await agentWithCode(`async function handler(input, ctx) { for (;;) ctx.log("x".repeat(2000)) }`);
    const { bytes, events } = await readSlowly(await call({}));
    expect(events[0]!.type).toBe("started");
    expect(events.at(-1)).toMatchObject({ type: "done", execution: { status: "timed_out" } });
    // Logs are cut in the sandbox (64 KiB), so the stream stays far below its own cap too.
    expect(bytes).toBeLessThan(MAX_STREAM_EVENT_BYTES);
  });

  test("input that cannot be stored is refused before a run starts", async () => {
    const { call } = await agentWithCode(`async function handler(input) { return input }`);
    await expect(call({ text: "a\u0000b" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/U\+0000/),
    });
  });

  test("the owner's playground quota: runs going at once", async () => {
    const { call } = await agentWithCode(
      `async function handler() { const end = Date.now() + 400; while (Date.now() < end) {} return 1 }`,
    );
    const results = await Promise.allSettled([call({}), call({}), call({})]);
    // PLAYGROUND_CONCURRENT_RUNS defaults to 2.
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({
      code: "RATE_LIMITED",
    });
    for (const r of results) if (r.status === "fulfilled") await readSlowly(r.value);
  });
});
