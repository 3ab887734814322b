import type { ReactNode } from "react";
import { StepList } from "@/components/studio/step-list";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import type { executions } from "@/db/schema";
import type { Step } from "@/lib/agents/runtime/run-agent";
import { formatWei } from "@/lib/format";

/**
 * What is recorded about one execution: facts, error, input, output, the steps when the
 * viewer may see them (the creator, in the studio; a buying organisation's row has none)
 * and the receipt hashes.
 */
export function ExecutionDetail({
  execution: e,
  version,
  receiptExtra,
}: {
  execution: Omit<typeof executions.$inferSelect, "steps"> & { steps?: unknown };
  version: number | null;
  receiptExtra?: ReactNode;
}) {
  const facts: [string, string][] = [
    ["Version", version ? `v${version}` : "draft"],
    ["Source", e.source],
    ["Started", e.startedAt.toISOString()],
    ["Finished", e.finishedAt?.toISOString() ?? "—"],
    ["Duration", e.durationMs === null ? "—" : `${e.durationMs} ms`],
    ["Tokens", `${e.tokensIn} in / ${e.tokensOut} out`],
    ["Cost", formatWei(e.costWei)],
    ...(e.creditRefunded ? ([["Credit", "refunded (platform failure)"]] as [string, string][]) : []),
  ];
  return (
    <>
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt className="text-muted-foreground">{k}</dt>
            <dd className="font-medium">{v}</dd>
          </div>
        ))}
      </dl>
      {e.errorCode ? (
        <p
          role="alert"
          className="rounded-md border border-destructive/30 bg-destructive/5 p-3 text-sm text-destructive"
        >
          {e.errorCode}: {e.errorMessage}
        </p>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Input</CardTitle>
          </CardHeader>
          <CardContent>
            <pre className="max-h-80 overflow-auto rounded-md bg-muted p-3 text-xs">
              {JSON.stringify(e.input, null, 2)}
            </pre>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Output</CardTitle>
          </CardHeader>
          <CardContent>
            <pre className="max-h-80 overflow-auto rounded-md bg-muted p-3 text-xs" data-testid="execution-output">
              {JSON.stringify(e.output, null, 2)}
            </pre>
          </CardContent>
        </Card>
      </div>
      {e.steps === undefined ? null : (
        <Card>
          <CardHeader>
            <CardTitle>Steps and logs</CardTitle>
          </CardHeader>
          <CardContent>
            {(e.steps as Step[]).length ? (
              <StepList steps={e.steps as Step[]} />
            ) : (
              <p className="text-sm text-muted-foreground">No steps recorded.</p>
            )}
          </CardContent>
        </Card>
      )}
      <Card>
        <CardHeader>
          <CardTitle>Receipt</CardTitle>
        </CardHeader>
        <CardContent className="space-y-1 text-xs">
          <p>
            Receipt hash: <code data-testid="receipt-hash">{e.receiptHash}</code>
          </p>
          <p>
            Input hash: <code>{e.inputHash}</code>
          </p>
          <p>
            Output hash: <code>{e.outputHash ?? "—"}</code>
          </p>
          {receiptExtra}
        </CardContent>
      </Card>
    </>
  );
}
