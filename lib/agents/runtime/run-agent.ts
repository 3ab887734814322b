import { APICallError, RetryError } from "ai";
import type { Db } from "@/db/client";
import { createExecution, finishExecution, finishExecutions, type ExecutionEnd } from "@/db/queries/executions";
import { Coalescer, perDatabase } from "@/lib/coalesce";
import { hashCanonical } from "@/lib/canonical-json";
import { AppError, isAppError } from "@/lib/errors";
import { jsonValueProblem } from "@/lib/json-limits";
import type { AgentSpec } from "../spec";
import { validateAgainstSchema } from "./json-schema";
import { runCodeAgent } from "./code-agent";
import { runModelAgent } from "./model-agent";
import { computeReceiptHash } from "./receipt";
import { createRunContext, type RunAgentDeps, type RunEvent, type Step } from "./run-context";

export type { RunAgentDeps, RunEvent, Step } from "./run-context";

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

  const context = createRunContext(deps, {
    agentId: params.agentId,
    versionId: params.versionId,
    spec,
    tenant: params.orgId ? `org:${params.orgId}` : `user:${params.userId ?? "anonymous"}`,
    priority: params.source === "playground" ? "free" : "paid",
    onEvent: params.onEvent,
  });

  let output: unknown = null;
  let outcome: { status: ExecutionRecord["status"]; code: string | null; message: string | null } = {
    status: "succeeded",
    code: null,
    message: null,
  };
  try {
    if (spec.code) {
      output = await runCodeAgent(deps, context, params.input);
    } else if (spec.model) {
      output = await runModelAgent(deps, context, spec.model, params.input, params.onEvent);
    } else {
      throw new AppError("AGENT_FAILED", "This agent has neither code nor a model to run.");
    }
    const unstorable = jsonValueProblem(output);
    if (unstorable) throw new AppError("OUTPUT_INVALID", `The output cannot be recorded: ${unstorable}`);
    if (spec.outputSchema) {
      const problems = validateAgainstSchema(spec.outputSchema, output);
      if (problems.length) throw new AppError("OUTPUT_INVALID", `The output does not match the output schema: ${problems.join("; ")}`);
    }
  } catch (error) {
    const c = classify(error, context.timedOut);
    outcome = { status: c.status, code: c.code, message: c.message };
    output = null;
  } finally {
    context.end();
  }
  const steps = context.recordedSteps();
  const usage = context.usage;
  const elapsed = context.elapsed;

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
