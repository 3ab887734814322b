import { setMaxListeners } from "node:events";
import type { LanguageModel } from "ai";
import type { Db } from "@/db/client";
import { AppError, isAppError } from "@/lib/errors";
import { recordable, recordableText } from "@/lib/json-limits";
import { Semaphore } from "@/lib/semaphore";
import type { AgentSpec } from "../spec";
import type { SandboxJob, SandboxPool, SandboxPriority } from "./sandbox";
import type { AddressPolicy } from "./tools/address-policy";
import { callTool, type ToolContext } from "./tools/registry";

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

export type RunEvent =
  { type: "started"; executionId: string } | { type: "step"; step: Step } | { type: "text"; delta: string };

export type RunAgentDeps = {
  db: Db;
  sandbox: SandboxPool;
  policy: AddressPolicy;
  /** Model lookup; defaults to the providers configured by environment. */
  resolveModel?: (model: NonNullable<AgentSpec["model"]>) => LanguageModel;
};

/** Per-run caps: what one run may make the platform do, whatever its code or model asks. */
export const RUN_LIMITS = {
  /** Tool calls in one run (from code or from the model). */
  toolCalls: 100,
  /** Tool calls in flight at once; more wait their turn. */
  concurrentToolCalls: 4,
  /** Steps kept in the record (all are still streamed to the playground, up to its byte cap). */
  recordedSteps: 500,
  /** Characters of steps kept in the record; past it, steps are counted but not stored. */
  recordedStepChars: 1024 * 1024,
  /** The longest a nested run_code job may run. */
  runCodeTimeoutMs: 5_000,
} as const;

/** What a tool call past the run's cap gets. */
export const TOOL_CALLS_REFUSAL = `A run may call tools at most ${RUN_LIMITS.toolCalls} times.`;

export type RunContext = ReturnType<typeof createRunContext>;

/**
 * What one run shares between its parts: the clock and deadline, the signal that ends
 * everything it started, the recorded steps (bounded), token usage, and the tools with the
 * run's caps applied. The deadline counts from `startClock()`: for code, when the sandbox
 * starts the job (time spent waiting for a worker does not count); for a model, at once.
 */
export function createRunContext(
  deps: RunAgentDeps,
  params: {
    agentId: string;
    versionId: string | null;
    spec: AgentSpec;
    tenant: string;
    priority: SandboxPriority;
    onEvent?: (event: RunEvent) => void;
    cancel?: AbortSignal;
  },
) {
  const { spec } = params;
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  // Made on first use: a code agent that calls no tool and no model never needs one, and
  // making one per run showed in the request thread's profile (bench/api).
  let controller: AbortController | undefined;
  let ended = false;
  const ender = () => {
    if (!controller) {
      controller = new AbortController();
      // Every tool call and nested job waiting on the run listens to it (bounded by RUN_LIMITS).
      setMaxListeners(RUN_LIMITS.toolCalls + 10, controller.signal);
    }
    if (ended) controller.abort(new Error("the run has ended"));
    return controller;
  };
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  let recordedChars = 0;
  let droppedSteps = 0;
  const steps: Step[] = [];
  const usage = { in: 0, out: 0 };
  const toolSlots = new Semaphore(RUN_LIMITS.concurrentToolCalls);
  let toolCalls = 0;
  /** The run's own sandbox job, once started: nested run_code jobs run in its worker. */
  let sandboxJob: SandboxJob | undefined;

  const record = (step: Step) => {
    const kept = keepable(step);
    const size = JSON.stringify(kept).length;
    if (steps.length < RUN_LIMITS.recordedSteps && recordedChars + size <= RUN_LIMITS.recordedStepChars) {
      steps.push(kept);
      recordedChars += size;
    } else droppedSteps++;
    params.onEvent?.({ type: "step", step: kept });
  };

  const toolContext: ToolContext = {
    db: deps.db,
    agentId: params.agentId,
    knowledgeDocumentIds: params.versionId ? (spec.knowledgeDocumentIds ?? []) : undefined,
    policy: deps.policy,
    tenant: params.tenant,
    get signal() {
      return ender().signal;
    },
    runCode: async (code, input) => {
      const result = await deps.sandbox.run(
        {
          code,
          input,
          mode: "expression",
          tools: [],
          timeoutMs: Math.min(RUN_LIMITS.runCodeTimeoutMs, spec.limits.timeoutMs),
        },
        {
          hostCall: async () => Promise.reject(new Error("run_code has no ctx")),
          onLog: (message) => record({ type: "log", at: elapsed(), message }),
          tenant: params.tenant,
          priority: params.priority,
          signal: ender().signal,
          parent: sandboxJob,
        },
      );
      if (!result.ok) throw new AppError("TOOL_FAILED", `run_code: ${result.error.message}`);
      return result.output;
    },
  };

  /** Starts the deadline (once). */
  const startClock = () => {
    if (timer || ended) return;
    const timeoutMs = spec.limits.timeoutMs;
    timer = setTimeout(() => {
      timedOut = true;
      ender().abort(new AppError("AGENT_TIMEOUT", `The agent did not finish within ${timeoutMs} ms.`));
    }, timeoutMs);
  };

  let cancelled = false;
  params.cancel?.addEventListener(
    "abort",
    () => {
      if (ended) return;
      cancelled = true;
      ender().abort(new AppError("CANCELLED_RUNNING", "Cancelled by its organisation while it ran."));
    },
    { once: true },
  );

  return {
    spec,
    tenant: params.tenant,
    priority: params.priority,
    /** The organisation's cancel: the sandbox job listens to it (the run's own end does not stop the job). */
    cancelSignal: params.cancel,
    /** Whether the run stopped because its organisation cancelled it. */
    get cancelled() {
      return cancelled;
    },
    /** Aborted when the run ends (its deadline, or its end): what it started stops. */
    get signal() {
      return ender().signal;
    },
    startClock,
    usage,
    elapsed,
    record,
    /** Whether the run has ended (its deadline passed, or end() was called). */
    get ended() {
      return ended || Boolean(controller?.signal.aborted);
    },
    get timedOut() {
      return timedOut;
    },
    /** The run's sandbox job has started: its deadline starts, and nested jobs go to its worker. */
    sandboxStarted: (job: SandboxJob) => {
      sandboxJob = job;
      startClock();
    },
    /** Runs an enabled tool within the run's caps, recording the call as a step. */
    async runTool(name: string, args: unknown): Promise<unknown> {
      const at = elapsed();
      const started = performance.now();
      let release: (() => void) | undefined;
      try {
        if (!spec.tools.includes(name as never))
          throw new AppError("TOOL_FAILED", `The tool ${name} is not enabled for this agent.`);
        if (++toolCalls > RUN_LIMITS.toolCalls) throw new AppError("TOOL_FAILED", TOOL_CALLS_REFUSAL);
        release = await toolSlots.acquire(ender().signal);
        const result = await callTool(name, args, toolContext);
        if (ender().signal.aborted) throw new AppError("TOOL_FAILED", `${name} finished after the run had ended.`);
        record({ type: "tool", at, durationMs: Math.round(performance.now() - started), name, args, result });
        return result;
      } catch (error) {
        const aborted = ender().signal.aborted;
        const message = isAppError(error) ? error.message : aborted ? "the run has ended" : `${name} failed`;
        if (!isAppError(error) && !aborted)
          console.warn(`[run-agent] tool ${name} failed:`, error instanceof Error ? error.name : typeof error);
        record({ type: "tool", at, durationMs: Math.round(performance.now() - started), name, args, error: message });
        throw isAppError(error) ? error : new AppError("TOOL_FAILED", message, { cause: error });
      } finally {
        release?.();
      }
    },
    /** Ends the run: stops the clock and everything still running for it (tools, fetches, nested code). */
    end() {
      clearTimeout(timer);
      ended = true;
      if (controller && !controller.signal.aborted) controller.abort(new Error("the run has ended"));
    },
    /** The recorded steps, with a note when some were not kept. */
    recordedSteps(): Step[] {
      if (!droppedSteps) return steps;
      return [
        ...steps,
        {
          type: "log",
          at: elapsed(),
          message: `[${droppedSteps} more steps were not recorded: a run keeps at most ${RUN_LIMITS.recordedSteps} steps and ${RUN_LIMITS.recordedStepChars / 1024} KiB]`,
        },
      ];
    },
  };
}

/** A step as it can be stored: strings Postgres accepts, arguments and results bounded (lib/json-limits.ts). */
function keepable(step: Step): Step {
  if (step.type === "log") return { ...step, message: recordableText(step.message) };
  if (step.type === "tool") {
    return {
      ...step,
      args: recordable(step.args),
      ...(step.result !== undefined && { result: recordable(step.result) }),
      ...(step.error !== undefined && { error: recordableText(step.error) }),
    };
  }
  return {
    ...step,
    text: recordableText(step.text, RUN_LIMITS.recordedStepChars),
    toolCalls: step.toolCalls.map((c) => ({ name: c.name, args: recordable(c.args) })),
  };
}
