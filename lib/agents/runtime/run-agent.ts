import { APICallError, RetryError, generateText, stepCountIs, streamText, tool, type LanguageModel, type ToolSet } from "ai";
import type { Db } from "@/db/client";
import { createExecution, finishExecution, finishExecutions, type ExecutionEnd } from "@/db/queries/executions";
import { Coalescer, perDatabase } from "@/lib/coalesce";
import { hashCanonical } from "@/lib/canonical-json";
import { AppError, isAppError } from "@/lib/errors";
import { jsonValueProblem } from "@/lib/json-limits";
import type { AgentSpec } from "../spec";
import { validateAgainstSchema } from "./json-schema";
import { getLanguageModel } from "./providers";
import { computeReceiptHash } from "./receipt";
import type { SandboxPool } from "./sandbox";
import type { AddressPolicy } from "./tools/address-policy";
import { callTool, isToolName, toolRegistry, type ToolContext } from "./tools/registry";

/** One recorded step of an execution; `at` is milliseconds since the run started. */
export type Step =
  | { type: "log"; at: number; message: string }
  | { type: "tool"; at: number; durationMs: number; name: string; args: unknown; result?: unknown; error?: string }
  | {
      type: "model";
      at: number;
      durationMs: number;
      model: string;
      text: string;
      toolCalls: { name: string; args: unknown }[];
      tokensIn: number;
      tokensOut: number;
      finishReason: string;
    };

export type RunEvent = { type: "started"; executionId: string } | { type: "step"; step: Step } | { type: "text"; delta: string };

export type RunAgentDeps = {
  db: Db;
  sandbox: SandboxPool;
  policy: AddressPolicy;
  /** Model lookup; defaults to the providers configured by environment. */
  resolveModel?: (model: NonNullable<AgentSpec["model"]>) => LanguageModel;
};

export type RunAgentParams = {
  agentId: string;
  /** The published version run, or null for the draft. */
  versionId: string | null;
  spec: AgentSpec;
  input: unknown;
  source: "playground" | "api" | "demo";
  userId?: string | null;
  orgId?: string | null;
  apiKeyId?: string | null;
  creditId?: string | null;
  idempotencyKey?: string | null;
  requestHash?: string | null;
  /** hashCanonical(input), when the caller has it already. */
  inputHash?: string;
  costWei?: string;
  /**
   * The execution row when the caller already inserted it (the metered API inserts it in
   * the same transaction that takes the credit); runAgent then only finishes it.
   */
  execution?: { id: string; startedAt: Date };
  /**
   * "caller": runAgent writes nothing; the caller stores the returned record itself (the
   * metered API inserts it, finished, in the statement that charges the run). Only for
   * self-contained agents (see isSelfContained), and `execution` names the row to be.
   */
  recordedBy?: "runAgent" | "caller";
  onEvent?: (event: RunEvent) => void;
};

export type ExecutionRecord = {
  id: string;
  status: "succeeded" | "failed" | "timed_out";
  output: unknown;
  outputHash: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  steps: Step[];
  tokensIn: number;
  tokensOut: number;
  durationMs: number;
  receiptHash: string;
  startedAt: Date;
  finishedAt: Date;
};

const MAX_STEPS_RECORDED = 500;

/**
 * Why the input cannot be run: it cannot be stored (U+0000, a lone surrogate, nesting past
 * MAX_JSON_DEPTH) or it breaks the agent's input schema; [] when it fits.
 */
export function agentInputProblems(spec: AgentSpec, input: unknown): string[] {
  const shape = jsonValueProblem(input ?? null);
  if (shape) return [`The input cannot be accepted: ${shape}`];
  return validateAgainstSchema(spec.inputSchema, input).map((p) => `The input does not match the agent's input schema: ${p}`);
}

/** Throws INVALID_INPUT (with the problems under `input`) when the input does not fit (see agentInputProblems). */
export function validateAgentInput(spec: AgentSpec, input: unknown): void {
  const problems = agentInputProblems(spec, input);
  if (problems.length) throw new AppError("INVALID_INPUT", problems.join("; "), { fieldErrors: { input: problems } });
}

/** What the model is asked: a lone text field as itself, anything else as JSON. */
function inputToPrompt(input: unknown): string {
  if (typeof input === "string") return input;
  if (input && typeof input === "object" && !Array.isArray(input)) {
    const entries = Object.entries(input);
    if (entries.length === 1 && typeof entries[0]![1] === "string") return entries[0]![1];
  }
  return JSON.stringify(input, null, 2);
}

/**
 * Whether running the agent can touch nothing outside its sandbox: code, no tools, no
 * model (ctx.llm then fails, ctx.tools is empty). Such a run has no effect but its result,
 * so it may run before it is charged and be recorded only once it is.
 */
export function isSelfContained(spec: AgentSpec): boolean {
  return Boolean(spec.code) && spec.tools.length === 0 && !spec.model;
}

/** Maps what a run threw to the recorded status, code and a message safe to show. */
function classify(error: unknown, timedOut: boolean): { status: "failed" | "timed_out"; code: string; message: string } {
  if (timedOut) return { status: "timed_out", code: "AGENT_TIMEOUT", message: "The agent ran out of time." };
  if (isAppError(error)) {
    return { status: error.code === "AGENT_TIMEOUT" ? "timed_out" : "failed", code: error.code, message: error.message };
  }
  if (RetryError.isInstance(error)) error = error.lastError;
  if (APICallError.isInstance(error)) {
    console.warn("[run-agent] provider error", error.statusCode, error.message);
    return { status: "failed", code: "PROVIDER_ERROR", message: `The model provider returned an error${error.statusCode ? ` (HTTP ${error.statusCode})` : ""}.` };
  }
  console.error("[run-agent] unexpected error", error);
  return { status: "failed", code: "INTERNAL", message: "The run failed because of an internal error." };
}

/**
 * Runs an agent once and records it. The execution row is inserted (status `running`)
 * before any work, and the `finally` path always writes the end state, usage, duration,
 * error and receipt hash, whatever happened in between (unless the caller records the run
 * itself, see `recordedBy`). Input must already be validated
 * (see validateAgentInput): an invalid request is refused, not recorded as a run.
 */
export async function runAgent(deps: RunAgentDeps, params: RunAgentParams): Promise<ExecutionRecord> {
  const db = deps.db;
  const spec = params.spec;
  const recordedByCaller = params.recordedBy === "caller";
  if (recordedByCaller && (!params.execution || !isSelfContained(spec))) {
    throw new Error("runAgent: only a self-contained agent with a chosen execution id may leave the record to the caller");
  }
  const inputHash = params.inputHash ?? hashCanonical(params.input ?? null);
  const { id, startedAt } = params.execution ?? (await createExecution(db, {
    agentId: params.agentId,
    versionId: params.versionId,
    source: params.source,
    userId: params.userId ?? null,
    orgId: params.orgId ?? null,
    apiKeyId: params.apiKeyId ?? null,
    creditId: params.creditId ?? null,
    idempotencyKey: params.idempotencyKey ?? null,
    requestHash: params.requestHash ?? null,
    input: params.input ?? null,
    inputHash,
    startedAt: new Date(),
  }));
  params.onEvent?.({ type: "started", executionId: id });

  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  const steps: Step[] = [];
  const record = (step: Step) => {
    if (steps.length < MAX_STEPS_RECORDED) steps.push(step);
    params.onEvent?.({ type: "step", step });
  };
  const usage = { in: 0, out: 0 };
  // Created on first use (model calls take its signal): most code agents never need one.
  let abort: AbortController | undefined;
  const abortSignal = () => (abort ??= new AbortController()).signal;
  let ended = false;
  const timeoutMs = spec.limits.timeoutMs;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    (abort ??= new AbortController()).abort(new AppError("AGENT_TIMEOUT", `The agent did not finish within ${timeoutMs} ms.`));
  }, timeoutMs);

  const resolveModel = deps.resolveModel ?? getLanguageModel;
  const toolContext: ToolContext = {
    db,
    agentId: params.agentId,
    knowledgeDocumentIds: params.versionId ? (spec.knowledgeDocumentIds ?? []) : undefined,
    policy: deps.policy,
    runCode: async (code, input) => {
      const result = await deps.sandbox.run(
        { code, input, mode: "expression", tools: [], timeoutMs: Math.min(5_000, timeoutMs) },
        { hostCall: async () => Promise.reject(new Error("run_code has no ctx")), onLog: (m) => record({ type: "log", at: elapsed(), message: m }) },
      );
      if (!result.ok) throw new AppError("TOOL_FAILED", `run_code: ${result.error.message}`);
      return result.output;
    },
  };

  const runTool = async (name: string, args: unknown) => {
    const at = elapsed();
    const started = performance.now();
    try {
      if (!spec.tools.includes(name as never)) throw new AppError("TOOL_FAILED", `The tool ${name} is not enabled for this agent.`);
      const result = await callTool(name, args, toolContext);
      record({ type: "tool", at, durationMs: Math.round(performance.now() - started), name, args, result });
      return result;
    } catch (error) {
      const message = isAppError(error) ? error.message : `${name} failed`;
      if (!isAppError(error)) console.warn(`[run-agent] tool ${name} failed`, error);
      record({ type: "tool", at, durationMs: Math.round(performance.now() - started), name, args, error: message });
      throw isAppError(error) ? error : new AppError("TOOL_FAILED", message, { cause: error });
    }
  };

  let output: unknown = null;
  let outcome: { status: ExecutionRecord["status"]; code: string | null; message: string | null } = {
    status: "succeeded",
    code: null,
    message: null,
  };
  try {
    if (spec.code) {
      output = await runCodeAgent();
    } else if (spec.model) {
      output = await runModelAgent(spec.model);
    } else {
      throw new AppError("AGENT_FAILED", "This agent has neither code nor a model to run.");
    }
    if (spec.outputSchema) {
      const problems = validateAgainstSchema(spec.outputSchema, output);
      if (problems.length) throw new AppError("OUTPUT_INVALID", `The output does not match the output schema: ${problems.join("; ")}`);
    }
  } catch (error) {
    const c = classify(error, timedOut);
    outcome = { status: c.status, code: c.code, message: c.message };
    output = null;
  } finally {
    clearTimeout(timer);
    ended = true;
    if (abort && !abort.signal.aborted) abort.abort(new Error("the run has ended"));
  }

  const finishedAt = new Date();
  const durationMs = elapsed();
  const outputHash = outcome.status === "succeeded" ? hashCanonical(output) : null;
  const costWei = params.costWei ?? "0";
  const receiptHash = computeReceiptHash({
    executionId: id,
    agentId: params.agentId,
    versionId: params.versionId,
    inputHash,
    outputHash,
    status: outcome.status,
    tokensIn: usage.in,
    tokensOut: usage.out,
    costWei,
    startedAt,
    finishedAt,
  });
  if (!recordedByCaller) await finishWithRetry(db, {
    id,
    status: outcome.status,
    output,
    outputHash,
    steps,
    errorCode: outcome.code,
    errorMessage: outcome.message,
    tokensIn: usage.in,
    tokensOut: usage.out,
    durationMs,
    costWei,
    receiptHash,
    finishedAt,
  });
  return {
    id,
    status: outcome.status,
    output,
    outputHash,
    errorCode: outcome.code,
    errorMessage: outcome.message,
    steps,
    tokensIn: usage.in,
    tokensOut: usage.out,
    durationMs,
    receiptHash,
    startedAt,
    finishedAt,
  };

  async function llmFromCode(request: unknown): Promise<unknown> {
    if (!spec.model) throw new AppError("AGENT_FAILED", "ctx.llm needs a model: pick one in the agent's settings.");
    const req = (request ?? {}) as { prompt?: unknown; system?: unknown; maxOutputTokens?: unknown };
    if (typeof req.prompt !== "string" || !req.prompt) throw new AppError("AGENT_FAILED", "ctx.llm needs a prompt string.");
    const model = resolveModel(spec.model);
    const at = elapsed();
    const started = performance.now();
    const result = await generateText({
      model,
      system: typeof req.system === "string" ? req.system : spec.systemPrompt || undefined,
      prompt: req.prompt,
      maxOutputTokens: Math.min(Number(req.maxOutputTokens) || spec.limits.maxOutputTokens, spec.limits.maxOutputTokens),
      abortSignal: abortSignal(),
    });
    usage.in += result.usage.inputTokens ?? 0;
    usage.out += result.usage.outputTokens ?? 0;
    record({
      type: "model",
      at,
      durationMs: Math.round(performance.now() - started),
      model: `${spec.model.provider}:${spec.model.id}`,
      text: result.text,
      toolCalls: [],
      tokensIn: result.usage.inputTokens ?? 0,
      tokensOut: result.usage.outputTokens ?? 0,
      finishReason: result.finishReason,
    });
    return { text: result.text, usage: { tokensIn: result.usage.inputTokens ?? 0, tokensOut: result.usage.outputTokens ?? 0 } };
  }

  async function runCodeAgent(): Promise<unknown> {
    let llmCalls = 0;
    const result = await deps.sandbox.run(
      { code: spec.code!, input: params.input ?? null, tools: spec.tools, timeoutMs, mode: "handler" },
      {
        onLog: (message) => record({ type: "log", at: elapsed(), message }),
        hostCall: async (kind, name, args) => {
          if (ended || timedOut) throw new Error("the run has ended");
          if (kind === "llm") {
            if (++llmCalls > spec.limits.maxSteps) throw new Error(`ctx.llm was called more than ${spec.limits.maxSteps} times (max steps).`);
            return llmFromCode(args);
          }
          return runTool(name, args);
        },
      },
    );
    if (!result.ok) {
      if (result.error.code === "timeout") throw new AppError("AGENT_TIMEOUT", result.error.message);
      throw new AppError("AGENT_FAILED", result.error.message);
    }
    return result.output;
  }

  async function runModelAgent(modelRef: NonNullable<AgentSpec["model"]>): Promise<unknown> {
    const model = resolveModel(modelRef);
    const tools: ToolSet = {};
    for (const name of spec.tools) {
      if (!isToolName(name)) continue;
      const definition = toolRegistry[name];
      tools[name] = tool({
        description: definition.description,
        inputSchema: definition.input,
        execute: (args: unknown) => runTool(name, args),
      });
    }
    let stepStart = performance.now();
    let stepAt = elapsed();
    const result = streamText({
      model,
      system: spec.systemPrompt || undefined,
      prompt: inputToPrompt(params.input),
      tools,
      stopWhen: stepCountIs(spec.limits.maxSteps),
      maxOutputTokens: spec.limits.maxOutputTokens,
      abortSignal: abortSignal(),
      maxRetries: 1,
      // Errors arrive as "error" parts below and are classified there; the SDK's default
      // handler would print the raw provider message to the log a second time.
      onError: () => {},
    });
    let text = "";
    let toolCalls: { name: string; args: unknown }[] = [];
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") {
        text += part.text;
        params.onEvent?.({ type: "text", delta: part.text });
      } else if (part.type === "finish-step") {
        usage.in += part.usage.inputTokens ?? 0;
        usage.out += part.usage.outputTokens ?? 0;
        record({
          type: "model",
          at: stepAt,
          durationMs: Math.round(performance.now() - stepStart),
          model: `${modelRef.provider}:${modelRef.id}`,
          text,
          toolCalls,
          tokensIn: part.usage.inputTokens ?? 0,
          tokensOut: part.usage.outputTokens ?? 0,
          finishReason: part.finishReason,
        });
        text = "";
        toolCalls = [];
        stepStart = performance.now();
        stepAt = elapsed();
      } else if (part.type === "tool-call") {
        toolCalls.push({ name: part.toolName, args: part.input });
      } else if (part.type === "error") {
        throw part.error;
      } else if (part.type === "abort") {
        throw abort?.signal.reason ?? new AppError("AGENT_TIMEOUT");
      }
    }
    return { text: await result.text };
  }
}

/** End states of concurrent runs are written together: one UPDATE per batch. */
const finishes = perDatabase(
  (db: Db) =>
    new Coalescer<ExecutionEnd, boolean>({
      batch: (items) => finishExecutions(db, items),
      single: async (item) => Boolean(await finishExecution(db, item)),
      maxItems: 32,
    }),
);

/** The end state must reach the database; a transient failure is retried. */
async function finishWithRetry(db: Db, values: ExecutionEnd): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await finishes(db).submit(values);
      return;
    } catch (error) {
      if (attempt >= 3) {
        console.error(`[run-agent] could not record the end of execution ${values.id}`, error);
        throw error;
      }
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}
