import { APICallError, RetryError } from "ai";
import { hashCanonical } from "@/lib/canonical-json";
import { AppError, isAppError } from "@/lib/errors";
import { jsonValueProblem } from "@/lib/json-limits";
import { describeError } from "@/lib/log";
import type { AgentSpec } from "../spec";
import { runCodeAgent } from "./code-agent";
import { validateAgainstSchema } from "./json-schema";
import { runModelAgent } from "./model-agent";
import { createRunContext, type RunAgentDeps, type RunEvent, type Step } from "./run-context";
import type { SandboxPriority } from "./sandbox";

export type { RunAgentDeps, RunEvent, Step } from "./run-context";

export type RunAgentParams = {
  agentId: string;
  /** The published version run, or null for the draft. */
  versionId: string | null;
  spec: AgentSpec;
  input: unknown;
  /** Whose capacity the run uses (`org:<id>` for the API, `user:<id>` for the playground). */
  tenant: string;
  /** Paid (API) runs come before free (playground) ones. */
  priority: SandboxPriority;
  onEvent?: (event: RunEvent) => void;
  /** Aborted when the run's organisation cancels it while it runs: it stops as failed, CANCELLED_RUNNING. */
  cancel?: AbortSignal;
};

/** How a run ended: what is recorded (lib/metering/record-end.ts) and answered. */
export type RunOutcome = {
  status: "succeeded" | "failed" | "timed_out";
  output: unknown;
  outputHash: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  steps: Step[];
  tokensIn: number;
  tokensOut: number;
  durationMs: number;
};

/**
 * Why the input cannot be run: it cannot be stored (U+0000, a lone surrogate, nesting past
 * MAX_JSON_DEPTH) or it breaks the agent's input schema; [] when it fits.
 */
export function agentInputProblems(spec: AgentSpec, input: unknown): string[] {
  const shape = jsonValueProblem(input ?? null);
  if (shape) return [`The input cannot be accepted: ${shape}`];
  return validateAgainstSchema(spec.inputSchema, input).map(
    (p) => `The input does not match the agent's input schema: ${p}`,
  );
}

/** Throws INVALID_INPUT (with the problems under `input`) when the input does not fit (see agentInputProblems). */
export function validateAgentInput(spec: AgentSpec, input: unknown): void {
  const problems = agentInputProblems(spec, input);
  if (problems.length) throw new AppError("INVALID_INPUT", problems.join("; "), { fieldErrors: { input: problems } });
}

/** Maps what a run threw to the recorded status, code and a message safe to show. */
function classify(
  error: unknown,
  timedOut: boolean,
): { status: "failed" | "timed_out"; code: string; message: string } {
  if (timedOut) return { status: "timed_out", code: "AGENT_TIMEOUT", message: "The agent ran out of time." };
  if (isAppError(error)) {
    return {
      status: error.code === "AGENT_TIMEOUT" ? "timed_out" : "failed",
      code: error.code,
      message: error.message,
    };
  }
  if (RetryError.isInstance(error)) error = error.lastError;
  if (APICallError.isInstance(error)) {
    console.warn(`[run-agent] provider error: HTTP ${error.statusCode ?? "?"}`);
    return {
      status: "failed",
      code: "PROVIDER_ERROR",
      message: `The model provider returned an error${error.statusCode ? ` (HTTP ${error.statusCode})` : ""}.`,
    };
  }
  console.error(`[run-agent] unexpected error: ${describeError(error)}`);
  return { status: "failed", code: "INTERNAL", message: "The run failed because of an internal error." };
}

/**
 * Runs an agent once: its code in the sandbox or its model with its tools, within the run's
 * caps and deadline, and checks the output. Never throws: every failure is an outcome.
 * It records nothing: the caller started the run (lib/metering/start-run.ts) and records
 * its end (lib/metering/record-end.ts). Input must already be validated (validateAgentInput).
 */
export async function runAgent(deps: RunAgentDeps, params: RunAgentParams): Promise<RunOutcome> {
  const { spec } = params;
  const context = createRunContext(deps, params);
  let output: unknown = null;
  let failure: ReturnType<typeof classify> | null = null;
  try {
    if (spec.code) output = await runCodeAgent(deps, context, params.input);
    else if (spec.model) output = await runModelAgent(deps, context, spec.model, params.input, params.onEvent);
    else throw new AppError("AGENT_FAILED", "This agent has neither code nor a model to run.");
    const unstorable = jsonValueProblem(output);
    if (unstorable) throw new AppError("OUTPUT_INVALID", `The output cannot be recorded: ${unstorable}`);
    if (spec.outputSchema) {
      const problems = validateAgainstSchema(spec.outputSchema, output);
      if (problems.length)
        throw new AppError("OUTPUT_INVALID", `The output does not match the output schema: ${problems.join("; ")}`);
    }
  } catch (error) {
    failure = classify(error, context.timedOut);
    output = null;
  } finally {
    context.end();
  }
  return {
    status: failure?.status ?? "succeeded",
    output,
    outputHash: failure ? null : hashCanonical(output),
    errorCode: failure?.code ?? null,
    errorMessage: failure?.message ?? null,
    steps: context.recordedSteps(),
    tokensIn: context.usage.in,
    tokensOut: context.usage.out,
    durationMs: context.elapsed(),
  };
}
