import type { Step } from "@/lib/agents/runtime/run-agent";

const preview = (value: unknown) => {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text && text.length > 400 ? `${text.slice(0, 400)}…` : text;
};

/** The recorded steps of a run: model turns, tool calls with arguments and results, logs. */
export function StepList({ steps }: { steps: Step[] }) {
  if (steps.length === 0) return null;
  return (
    <ol className="space-y-2 text-sm" aria-label="Steps">
      {steps.map((step, i) => (
        <li key={i} className="rounded-md border p-2">
          <div className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
            <span className="font-semibold uppercase text-foreground">{step.type}</span>
            <span>+{step.at} ms</span>
            {"durationMs" in step ? <span>{step.durationMs} ms</span> : null}
            {step.type === "model" ? (
              <span>
                {step.model} · {step.tokensIn} in / {step.tokensOut} out · {step.finishReason}
              </span>
            ) : null}
            {step.type === "tool" ? <span className="font-mono text-foreground">{step.name}</span> : null}
          </div>
          {step.type === "log" ? <p className="mt-1 font-mono text-xs">{step.message}</p> : null}
          {step.type === "model" && step.text ? <p className="mt-1 whitespace-pre-wrap">{step.text}</p> : null}
          {step.type === "model" && step.toolCalls.length ? (
            <p className="mt-1 font-mono text-xs">
              calls: {step.toolCalls.map((c) => `${c.name}(${preview(c.args)})`).join(", ")}
            </p>
          ) : null}
          {step.type === "tool" ? (
            <div className="mt-1 space-y-1 font-mono text-xs">
              <p>args: {preview(step.args)}</p>
              {step.error ? (
                <p className="text-destructive">error: {step.error}</p>
              ) : (
                <p>result: {preview(step.result)}</p>
              )}
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
