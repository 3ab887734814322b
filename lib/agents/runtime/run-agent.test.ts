import { randomUUID } from "node:crypto";
import { APICallError } from "ai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "@/db/client";
import { createAgent } from "@/db/queries/agents";
import { getExecutionForOwner } from "@/db/queries/executions";
import { createKnowledgeDocument } from "@/db/queries/knowledge";
import { createUser } from "@/db/queries/users";
import { testBackends } from "@/db/testing";
import { agentSpecSchema, type AgentSpec } from "../spec";
import { scriptedModel } from "./mock-model.testing";
import { computeReceiptHash } from "./receipt";
import { hashCanonical } from "@/lib/canonical-json";
import { executeRun } from "@/lib/metering/execute-run";
import { runDeadline, startRun } from "@/lib/metering/start-run";
import { validateAgentInput, type RunAgentDeps, type RunEvent } from "./run-agent";
import { SandboxPool } from "./sandbox";
import { createAddressPolicy } from "./tools/address-policy";

const sandbox = new SandboxPool(1, 4);
afterAll(() => sandbox.close());

describe.each(await testBackends())("runAgent on $name", (backend) => {
  let handle: DbHandle;
  let ownerId: string;
  let agentId: string;
  beforeAll(async () => {
    handle = await backend.open();
    ownerId = (await createUser(handle.db, { email: `${randomUUID()}@example.com`, name: "c", passwordHash: null })).id;
    agentId = (
      await createAgent(handle.db, {
        ownerId,
        slug: `a-${randomUUID()}`,
        name: "A",
        description: "",
        category: "data",
        tags: [],
      })
    ).id;
    await handle.db.transaction((tx) =>
      createKnowledgeDocument(tx, {
        agentId,
        title: "Refund policy",
        format: "text",
        bytes: 100,
        chunks: ["Refunds are issued within 14 days of purchase.", "Shipping takes three to five business days."],
      }),
    );
  });
  afterAll(() => handle?.close());

  const deps = (extra: Partial<RunAgentDeps> = {}): RunAgentDeps => ({
    db: handle.db,
    sandbox,
    policy: createAddressPolicy(""),
    ...extra,
  });
  const spec = (partial: Partial<AgentSpec>) => agentSpecSchema.parse(partial);
  /** A playground run through the product's path: startRun (quotas out of the way), then executeRun. */
  const run = async (
    s: AgentSpec,
    input: unknown,
    extra: Partial<RunAgentDeps> = {},
    onEvent?: (event: RunEvent) => void,
  ) => {
    const inputHash = hashCanonical(input ?? null);
    const started = await startRun(handle.db, {
      source: "playground",
      executionId: randomUUID(),
      agentId,
      versionId: null,
      input,
      inputHash,
      costWei: "0",
      deadlineAt: runDeadline(s),
      userId: ownerId,
      quotas: { maxRunning: 1_000, maxPerMinute: 100_000, maxTokensPerDay: 1e12 },
    });
    if (started.kind !== "started") throw new Error(`not started: ${started.kind}`);
    const { id, startedAt } = started.execution;
    return executeRun(
      deps(extra),
      { id, startedAt, agentId, versionId: null, inputHash, costWei: "0", charged: false },
      { spec: s, input, tenant: `user:${ownerId}`, priority: "free", onEvent },
    );
  };
  const stored = async (id: string) => (await getExecutionForOwner(handle.db, { executionId: id, ownerId }))!.execution;

  test("a code agent's output, logs and tool calls are recorded with a verifiable receipt", async () => {
    const s = spec({
      tools: ["knowledge_search"],
      code: `async function handler(input, ctx) {
        ctx.log("searching", input.q);
        const hits = await ctx.tools.knowledge_search({ query: input.q });
        return { answer: hits[0].content };
      }`,
    });
    const result = await run(s, { q: "refund" });
    expect(result).toMatchObject({
      status: "succeeded",
      output: { answer: "Refunds are issued within 14 days of purchase." },
      errorCode: null,
    });
    expect(result.steps.map((step) => step.type)).toEqual(["log", "tool"]);
    const row = await stored(result.id);
    expect(row).toMatchObject({
      status: "succeeded",
      errorCode: null,
      output: result.output,
      receiptHash: result.receiptHash,
    });
    expect(row.durationMs).toBeGreaterThanOrEqual(0);
    expect(row.finishedAt).toBeInstanceOf(Date);
    expect(
      computeReceiptHash({
        executionId: row.id,
        agentId,
        versionId: null,
        inputHash: row.inputHash!,
        outputHash: row.outputHash,
        status: row.status,
        tokensIn: row.tokensIn,
        tokensOut: row.tokensOut,
        costWei: row.costWei,
        startedAt: row.startedAt,
        finishedAt: row.finishedAt!,
      }),
    ).toBe(row.receiptHash);
  });

  test("a multi-step tool-calling model run records every model turn and tool call, and streams text", async () => {
    const { model, prompts } = scriptedModel([
      { toolCalls: [{ name: "knowledge_search", args: { query: "shipping" } }] },
      { text: "Shipping takes three to five business days." },
    ]);
    const deltas: string[] = [];
    const result = await run(
      spec({ model: { provider: "openai", id: "mock" }, tools: ["knowledge_search"], systemPrompt: "Be brief." }),
      { question: "How long is shipping?" },
      { resolveModel: () => model },
      (e) => void (e.type === "text" && deltas.push(e.delta)),
    );
    expect(result.status).toBe("succeeded");
    expect(result.output).toEqual({ text: "Shipping takes three to five business days." });
    expect(deltas.join("")).toBe("Shipping takes three to five business days.");
    expect(result.steps.map((s) => s.type)).toEqual(["tool", "model", "model"]);
    expect(result.steps[0]).toMatchObject({ name: "knowledge_search", args: { query: "shipping" } });
    expect(result.steps[1]).toMatchObject({ toolCalls: [{ name: "knowledge_search", args: { query: "shipping" } }] });
    expect(result).toMatchObject({ tokensIn: 20, tokensOut: 10 });
    // The second model turn sees the tool's result.
    expect(JSON.stringify(prompts[1])).toMatch(/tool-result.*Shipping takes three to five business days/);
    const row = await stored(result.id);
    expect(row.steps).toHaveLength(3);
    expect(row).toMatchObject({ tokensIn: 20, tokensOut: 10, status: "succeeded" });
  });

  test("ctx.llm from code goes through the model and counts tokens", async () => {
    const { model } = scriptedModel([{ text: "POSITIVE" }]);
    const result = await run(
      spec({
        model: { provider: "openai", id: "mock" },
        code: `async function handler(input, ctx) { const r = await ctx.llm("Classify: " + input.text); return { label: r.text }; }`,
      }),
      { text: "I love it" },
      { resolveModel: () => model },
    );
    expect(result).toMatchObject({ status: "succeeded", output: { label: "POSITIVE" }, tokensIn: 7, tokensOut: 3 });
  });

  test.each([
    [
      "a provider error",
      () => spec({ model: { provider: "openai", id: "mock" } }),
      () =>
        scriptedModel([
          {
            error: new APICallError({
              message: "upstream exploded: secret-detail",
              url: "http://x",
              requestBodyValues: {},
              statusCode: 500,
            }),
          },
        ]).model,
      {
        status: "failed",
        errorCode: "PROVIDER_ERROR",
        errorMessage: "The model provider returned an error (HTTP 500).",
      },
    ],
    [
      "a tool error",
      () =>
        spec({
          tools: ["http_fetch"],
          code: `async function handler(i, ctx) { return await ctx.tools.http_fetch({ url: "http://169.254.169.254/" }); }`,
        }),
      undefined,
      { status: "failed", errorCode: "AGENT_FAILED" },
    ],
    [
      "a tool the agent did not enable",
      () => spec({ code: `async function handler(i, ctx) { return ctx.tools.http_fetch ? 1 : "no tool"; }` }),
      undefined,
      { status: "succeeded", output: "no tool" },
    ],
    [
      "a code timeout",
      () =>
        spec({
          code: `async function handler() { for (;;) {} }`,
          limits: { timeoutMs: 300, maxSteps: 2, maxOutputTokens: 10 },
        }),
      undefined,
      { status: "timed_out", errorCode: "AGENT_TIMEOUT" },
    ],
    [
      "a model timeout",
      () =>
        spec({
          model: { provider: "openai", id: "mock" },
          limits: { timeoutMs: 300, maxSteps: 2, maxOutputTokens: 10 },
        }),
      () => scriptedModel([{ hang: true }]).model,
      { status: "timed_out", errorCode: "AGENT_TIMEOUT" },
    ],
    [
      "an output that breaks the output schema",
      () =>
        spec({
          code: `async function handler() { return { n: "x" }; }`,
          outputSchema: { type: "object", properties: { n: { type: "number" } } },
        }),
      undefined,
      { status: "failed", errorCode: "OUTPUT_INVALID" },
    ],
  ] as const)("%s leaves a complete execution row", async (_name, makeSpec, makeModel, expected) => {
    const model = makeModel?.();
    const result = await run(makeSpec(), {}, model ? { resolveModel: () => model } : {});
    expect(result).toMatchObject(expected);
    const row = await stored(result.id);
    expect(row).toMatchObject({
      status: expected.status,
      errorCode: result.errorCode,
      receiptHash: result.receiptHash,
    });
    expect(row.finishedAt).toBeInstanceOf(Date);
    expect(row.durationMs).not.toBeNull();
    expect(row.errorMessage ?? "").not.toContain("secret-detail");
    if (expected.status !== "succeeded") expect(row.errorMessage).toBeTruthy();
  });

  test("the tool error is recorded as a step", async () => {
    const result = await run(
      spec({
        tools: ["http_fetch"],
        code: `async function handler(i, ctx) { try { await ctx.tools.http_fetch({ url: "http://10.0.0.1/" }); } catch (e) { return { caught: e.message }; } }`,
      }),
      {},
    );
    expect(result.output).toEqual({ caught: expect.stringContaining("private or reserved") });
    expect(result.steps).toEqual([
      expect.objectContaining({ type: "tool", name: "http_fetch", error: expect.stringContaining("refused") }),
    ]);
  });

  test("without a provider configured, a model agent fails naming the variables to set", async () => {
    const result = await run(spec({ model: { provider: "anthropic", id: "claude-x" } }), { prompt: "hi" });
    expect(result).toMatchObject({ status: "failed", errorCode: "PROVIDER_NOT_CONFIGURED" });
    expect(result.errorMessage).toContain("ANTHROPIC_API_KEY");
  });

  test("eight runs that each call run_code at once all finish (no deadlock in the pool)", async () => {
    const s = spec({
      tools: ["run_code"],
      code: `async function handler(input, ctx) { return await ctx.tools.run_code({ code: "return input * 2", input: input.n }) }`,
    });
    const results = await Promise.all(Array.from({ length: 8 }, (_, n) => run(s, { n })));
    expect(results.map((r) => [r.status, r.output])).toEqual(Array.from({ length: 8 }, (_, n) => ["succeeded", n * 2]));
  });

  test("2,000 run_code calls at once: capped at 100, 4 at a time, and nothing is left running once the run ends", async () => {
    const s = spec({
      tools: ["run_code"],
      limits: { timeoutMs: 1_500, maxSteps: 8, maxOutputTokens: 1_024 },
      code: `async function handler(input, ctx) {
        const calls = Array.from({ length: 2000 }, () => ctx.tools.run_code({ code: "const end = Date.now() + 50; while (Date.now() < end) {} return 1" }).then(() => "ok", (e) => e.message));
        const results = await Promise.all(calls);
        return { ok: results.filter((r) => r === "ok").length, refused: results.filter((r) => /at most 100 times/.test(r)).length };
      }`,
    });
    const started = performance.now();
    const result = await run(s, {});
    expect(performance.now() - started).toBeLessThan(5_000);
    // Either the cap answered every call past the 100th and the run finished, or the run hit its deadline.
    if (result.status === "succeeded") expect(result.output).toEqual({ ok: 100, refused: 1900 });
    else expect(result.status).toBe("timed_out");
    // The pool is free: a trivial run starts and ends at once.
    const after = performance.now();
    expect((await run(spec({ code: `async function handler() { return 1 }` }), {})).status).toBe("succeeded");
    expect(performance.now() - after).toBeLessThan(500);
  });

  test("tool calls past the cap are refused in the worker: the host sees (and records) only the first one past it", async () => {
    const s = spec({
      tools: ["run_code"],
      code: `async function handler(input, ctx) {
        const results = await Promise.all(Array.from({ length: 2000 }, () => ctx.tools.run_code({ code: "return 1" }).then(() => "ok", (e) => e.message)));
        return { ok: results.filter((r) => r === "ok").length, refused: results.filter((r) => /at most 100 times/.test(r)).length };
      }`,
    });
    const result = await run(s, {});
    expect(result).toMatchObject({ status: "succeeded", output: { ok: 100, refused: 1900 } });
    const tools = result.steps.filter((step) => step.type === "tool");
    expect(tools).toHaveLength(101);
    expect(tools.filter((step) => step.type === "tool" && step.error)).toEqual([
      expect.objectContaining({ error: "A run may call tools at most 100 times." }),
    ]);
  });

  test("a log flood is cut off in the sandbox: the record and the events stay bounded", async () => {
    let eventChars = 0;
    const s = spec({
      limits: { timeoutMs: 1_000, maxSteps: 8, maxOutputTokens: 1_024 },
      code: `async function handler(input, ctx) { for (;;) ctx.log("x".repeat(2000)) }`,
    });
    const result = await run(s, {}, {}, (e) => void (eventChars += JSON.stringify(e).length));
    expect(result.status).toBe("timed_out");
    expect(eventChars).toBeLessThan(100 * 1024);
    expect(JSON.stringify(result.steps).length).toBeLessThan(100 * 1024);
    expect(JSON.stringify(result.steps)).toContain("ctx.log limit");
  });

  test("output Postgres cannot store fails the run with a reason; a tool result it cannot store is recorded cleaned", async () => {
    const bad = await run(spec({ code: `async function handler() { return { text: "a\\u0000b" } }` }), {});
    expect(bad).toMatchObject({ status: "failed", errorCode: "OUTPUT_INVALID" });
    expect(bad.errorMessage).toMatch(/U\+0000/);
    expect((await stored(bad.id)).status).toBe("failed");
    const tooled = await run(
      spec({
        tools: ["run_code"],
        code: `async function handler(i, ctx) { const r = await ctx.tools.run_code({ code: "return 'nul \\\\u0000 here'" }); return r.length }`,
      }),
      {},
    );
    expect(tooled).toMatchObject({ status: "succeeded", output: 10 });
    expect((await stored(tooled.id)).steps).toEqual([
      expect.objectContaining({ type: "tool", name: "run_code", result: "nul \ufffd here" }),
    ]);
  });

  test("input is validated against the input schema before anything is recorded", () => {
    const s = spec({ inputSchema: { type: "object", required: ["csv"], properties: { csv: { type: "string" } } } });
    expect(() => validateAgentInput(s, { csv: 1 })).toThrow(/\/csv must be string/);
    expect(() => validateAgentInput(s, {})).toThrow(/must have required property 'csv'/);
    expect(() => validateAgentInput(s, { csv: "a,b" })).not.toThrow();
  });
});
