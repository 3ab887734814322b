"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Badge, Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import type { Step } from "@/lib/agents/runtime/run-agent";
import { CodeEditor } from "./code-editor";
import { StepList } from "./step-list";

type Done = {
  id: string;
  status: string;
  output: unknown;
  errorCode: string | null;
  errorMessage: string | null;
  tokensIn: number;
  tokensOut: number;
  durationMs: number;
  receiptHash: string;
};

export function Playground({
  agentId,
  agentSlug,
  versions,
  initialInput,
  beforeRun,
}: {
  agentId: string;
  agentSlug: string;
  versions: { id: string; version: number }[];
  initialInput: string;
  /** Saves pending draft edits; false when the draft cannot be saved. */
  beforeRun: () => Promise<boolean>;
}) {
  const router = useRouter();
  const [versionId, setVersionId] = useState("");
  const [input, setInput] = useState(initialInput);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();
  const [text, setText] = useState("");
  const [steps, setSteps] = useState<Step[]>([]);
  const [done, setDone] = useState<Done>();

  async function run() {
    setError(undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      setError("The input is not valid JSON.");
      return;
    }
    if (!versionId && !(await beforeRun())) {
      setError("The draft has unsaved errors; fix them in Build first.");
      return;
    }
    setRunning(true);
    setText("");
    setSteps([]);
    setDone(undefined);
    try {
      const response = await fetch(`/api/studio/agents/${agentId}/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: parsed, versionId: versionId || null }),
      });
      if (!response.ok || !response.body) {
        // An RFC 9457 problem: `detail` says what was wrong.
        const problem = (await response.json().catch(() => ({}))) as { title?: string; detail?: string };
        setError(problem.detail ?? problem.title ?? `The run was refused (HTTP ${response.status}).`);
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += value;
        let newline: number;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (!line.trim()) continue;
          const event = JSON.parse(line) as
            | { type: "text"; delta: string }
            | { type: "step"; step: Step }
            | { type: "done"; execution: Done }
            | { type: "error"; message: string }
            | { type: "truncated"; message: string }
            | { type: "started"; executionId: string };
          if (event.type === "text") setText((t) => t + event.delta);
          else if (event.type === "step") setSteps((s) => [...s, event.step]);
          else if (event.type === "done") setDone(event.execution);
          else if (event.type === "error") setError(event.message);
        }
      }
      router.refresh();
    } catch {
      setError("The connection dropped. The run is still recorded: see Runs.");
    } finally {
      setRunning(false);
    }
  }

  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Input</CardTitle>
        </CardHeader>
        <CardContent className="space-y-3">
          <label className="block space-y-1.5 text-sm">
            <span className="font-medium">Run</span>
            <Select value={versionId} onChange={(e) => setVersionId(e.target.value)} aria-label="Version to run">
              <option value="">Draft</option>
              {versions.map((v) => (
                <option key={v.id} value={v.id}>
                  Version {v.version}
                </option>
              ))}
            </Select>
          </label>
          <CodeEditor language="json" label="Playground input" value={input} onChange={setInput} minHeight="140px" />
          <FormError message={error} />
          <Button onClick={run} disabled={running} className="w-full sm:w-auto">
            {running ? "Running…" : "Run"}
          </Button>
        </CardContent>
      </Card>
      <Card>
        <CardHeader className="flex-row items-center justify-between">
          <CardTitle>Output</CardTitle>
          {done ? (
            <div className="flex flex-wrap items-center gap-2 text-xs">
              <Badge
                data-testid="run-status"
                className={done.status === "succeeded" ? "bg-green-100 text-green-800" : "bg-red-100 text-red-800"}
              >
                {done.status}
              </Badge>
              <span>{done.durationMs} ms</span>
              <span>
                {done.tokensIn}/{done.tokensOut} tokens
              </span>
              <Link href={`/studio/${agentSlug}/runs/${done.id}`} className="touch-target text-primary hover:underline">
                View execution
              </Link>
            </div>
          ) : null}
        </CardHeader>
        <CardContent className="space-y-3">
          {text ? (
            <p className="whitespace-pre-wrap rounded-md bg-muted p-3 text-sm" data-testid="streamed-text">
              {text}
            </p>
          ) : null}
          {done?.errorMessage ? (
            <p role="alert" className="text-sm text-destructive">
              {done.errorCode}: {done.errorMessage}
            </p>
          ) : null}
          {done && done.status === "succeeded" ? (
            <pre className="max-h-80 overflow-auto rounded-md bg-muted p-3 text-xs" data-testid="run-output">
              {JSON.stringify(done.output, null, 2)}
            </pre>
          ) : null}
          {!running && !done && !text ? (
            <p className="text-sm text-muted-foreground">Run the agent to see its output and steps.</p>
          ) : null}
          <StepList steps={steps} />
        </CardContent>
      </Card>
    </div>
  );
}
