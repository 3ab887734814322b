import { stepCountIs, streamText, tool, type ToolSet } from "ai";
import { AppError } from "@/lib/errors";
import type { AgentSpec } from "../spec";
import { getLanguageModel } from "./providers";
import type { RunAgentDeps, RunContext, RunEvent } from "./run-context";
import { isToolName, toolRegistry } from "./tools/registry";

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
 * Runs a model agent: the system prompt and the input, with the enabled tools, for at most
 * `maxSteps` model turns. Each turn and tool call is recorded; text is streamed as it comes.
 */
export async function runModelAgent(
  deps: RunAgentDeps,
  context: RunContext,
  modelRef: NonNullable<AgentSpec["model"]>,
  input: unknown,
  onEvent?: (event: RunEvent) => void,
): Promise<unknown> {
  const { spec } = context;
  const model = (deps.resolveModel ?? getLanguageModel)(modelRef);
  context.startClock();
  const tools: ToolSet = {};
  for (const name of spec.tools) {
    if (!isToolName(name)) continue;
    const definition = toolRegistry[name];
    tools[name] = tool({
      description: definition.description,
      inputSchema: definition.input,
      execute: (args: unknown) => context.runTool(name, args),
    });
  }
  let stepStart = performance.now();
  let stepAt = context.elapsed();
  const result = streamText({
    model,
    system: spec.systemPrompt || undefined,
    prompt: inputToPrompt(input),
    tools,
    stopWhen: stepCountIs(spec.limits.maxSteps),
    maxOutputTokens: spec.limits.maxOutputTokens,
    abortSignal: context.signal,
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
      onEvent?.({ type: "text", delta: part.text });
    } else if (part.type === "finish-step") {
      context.usage.in += part.usage.inputTokens ?? 0;
      context.usage.out += part.usage.outputTokens ?? 0;
      context.record({
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
      stepAt = context.elapsed();
    } else if (part.type === "tool-call") {
      toolCalls.push({ name: part.toolName, args: part.input });
    } else if (part.type === "error") {
      throw part.error;
    } else if (part.type === "abort") {
      throw context.signal.reason ?? new AppError("AGENT_TIMEOUT");
    }
  }
  return { text: await result.text };
}
