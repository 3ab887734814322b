/** Test-only helpers for the runtime: scripted mock models (AI SDK MockLanguageModelV3). */
import { simulateReadableStream } from "ai";
import { MockLanguageModelV3 } from "ai/test";

type Turn = { text?: string; toolCalls?: { name: string; args: unknown }[]; error?: Error; hang?: boolean };

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

/** A model that answers each call with the next scripted turn. */
export function scriptedModel(turns: Turn[]) {
  let call = 0;
  const prompts: unknown[] = [];
  const model = new MockLanguageModelV3({
    doStream: async (options) => {
      prompts.push(options.prompt);
      const turn = turns[Math.min(call++, turns.length - 1)]!;
      if (turn.error) throw turn.error;
      if (turn.hang) {
        return {
          stream: new ReadableStream({
            start(controller) {
              options.abortSignal?.addEventListener("abort", () => controller.error(options.abortSignal?.reason));
            },
          }),
        };
      }
      const chunks: unknown[] = [{ type: "stream-start", warnings: [] }];
      if (turn.text) {
        chunks.push({ type: "text-start", id: "t" });
        for (const word of turn.text.split(/(?<= )/)) chunks.push({ type: "text-delta", id: "t", delta: word });
        chunks.push({ type: "text-end", id: "t" });
      }
      for (const [i, c] of (turn.toolCalls ?? []).entries()) {
        chunks.push({
          type: "tool-call",
          toolCallId: `call-${call}-${i}`,
          toolName: c.name,
          input: JSON.stringify(c.args),
        });
      }
      chunks.push({
        type: "finish",
        finishReason: { unified: turn.toolCalls?.length ? "tool-calls" : "stop", raw: undefined },
        usage: usage(10, 5),
      });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- chunk shapes are the V3 stream parts
      return { stream: simulateReadableStream({ chunks: chunks as any[] }) };
    },
    doGenerate: async (options) => {
      prompts.push(options.prompt);
      const turn = turns[Math.min(call++, turns.length - 1)]!;
      if (turn.error) throw turn.error;
      return {
        content: [{ type: "text", text: turn.text ?? "" }],
        finishReason: { unified: "stop", raw: undefined },
        usage: usage(7, 3),
        warnings: [],
      };
    },
  });
  return { model, prompts };
}
