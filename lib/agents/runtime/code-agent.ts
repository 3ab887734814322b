import { generateText } from "ai";
import { AppError } from "@/lib/errors";
import { RUN_LIMITS, TOOL_CALLS_REFUSAL, type RunAgentDeps, type RunContext } from "./run-context";
import { getLanguageModel } from "./providers";

/**
 * Runs an agent's code in the sandbox: `handler(input, ctx)` with `ctx.llm` (the agent's
 * model, at most `maxSteps` calls) and `ctx.tools.*` (the enabled tools, within the run's
 * caps). The run's deadline starts when the sandbox starts the job.
 */
export async function runCodeAgent(deps: RunAgentDeps, context: RunContext, input: unknown): Promise<unknown> {
  const { spec } = context;
  let llmCalls = 0;
  const result = await deps.sandbox.run(
    {
      code: spec.code!,
      input: input ?? null,
      tools: spec.tools,
      timeoutMs: spec.limits.timeoutMs,
      mode: "handler",
      // The host applies the cap and records the first call past it; the worker refuses
      // the rest itself, so a flood of ctx.tools calls never reaches the request thread.
      toolCalls: { max: RUN_LIMITS.toolCalls + 1, refusal: TOOL_CALLS_REFUSAL },
    },
    {
      tenant: context.tenant,
      priority: context.priority,
      // Only the organisation's cancel: the run waits on this job, so it cannot end before the
      // job starts, and the job's own deadline stops it.
      signal: context.cancelSignal,
      onStart: context.sandboxStarted,
      onLog: (message) => context.record({ type: "log", at: context.elapsed(), message }),
      hostCall: async (kind, name, args) => {
        if (context.ended) throw new Error("the run has ended");
        if (kind === "llm") {
          if (++llmCalls > spec.limits.maxSteps)
            throw new Error(`ctx.llm was called more than ${spec.limits.maxSteps} times (max steps).`);
          return llmFromCode(deps, context, args);
        }
        return context.runTool(name, args);
      },
    },
  );
  if (!result.ok) {
    if (result.error.code === "timeout") throw new AppError("AGENT_TIMEOUT", result.error.message);
    if (result.error.code === "busy") throw new AppError("SANDBOX_BUSY", result.error.message);
    if (result.error.code === "cancelled" && context.timedOut) throw new AppError("AGENT_TIMEOUT");
    if (result.error.code === "cancelled" && context.cancelled)
      throw new AppError("CANCELLED_RUNNING", "Cancelled by its organisation while it ran.");
    throw new AppError("AGENT_FAILED", result.error.message);
  }
  return result.output;
}

/** `ctx.llm({ prompt, system?, maxOutputTokens? })` or `ctx.llm("prompt")`: one model call, recorded and counted. */
async function llmFromCode(deps: RunAgentDeps, context: RunContext, request: unknown): Promise<unknown> {
  const { spec } = context;
  if (!spec.model) throw new AppError("AGENT_FAILED", "ctx.llm needs a model: pick one in the agent's settings.");
  const req = (request ?? {}) as { prompt?: unknown; system?: unknown; maxOutputTokens?: unknown };
  if (typeof req.prompt !== "string" || !req.prompt)
    throw new AppError("AGENT_FAILED", "ctx.llm needs a prompt string.");
  const model = (deps.resolveModel ?? getLanguageModel)(spec.model);
  const at = context.elapsed();
  const started = performance.now();
  const result = await generateText({
    model,
    system: typeof req.system === "string" ? req.system : spec.systemPrompt || undefined,
    prompt: req.prompt,
    maxOutputTokens: Math.min(Number(req.maxOutputTokens) || spec.limits.maxOutputTokens, spec.limits.maxOutputTokens),
    abortSignal: context.signal,
  });
  const tokensIn = result.usage.inputTokens ?? 0;
  const tokensOut = result.usage.outputTokens ?? 0;
  context.usage.in += tokensIn;
  context.usage.out += tokensOut;
  context.record({
    type: "model",
    at,
    durationMs: Math.round(performance.now() - started),
    model: `${spec.model.provider}:${spec.model.id}`,
    text: result.text,
    toolCalls: [],
    tokensIn,
    tokensOut,
    finishReason: result.finishReason,
  });
  return { text: result.text, usage: { tokensIn, tokensOut } };
}
