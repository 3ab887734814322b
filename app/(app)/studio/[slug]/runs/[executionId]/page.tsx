import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { StatusBadge } from "@/components/studio/status-badge";
import { StepList } from "@/components/studio/step-list";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { getExecutionForOwner } from "@/db/queries/executions";
import type { Step } from "@/lib/agents/runtime/run-agent";
import { requirePageUser } from "@/lib/auth/session";
import { formatWei } from "@/lib/format";

export const metadata: Metadata = { title: "Execution" };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ExecutionPage({ params }: { params: Promise<{ slug: string; executionId: string }> }) {
  const { slug, executionId } = await params;
  const user = await requirePageUser(`/studio/${slug}/runs/${executionId}`);
  if (!uuid.test(executionId)) notFound();
  const row = await getExecutionForOwner(await getDb(), { executionId, ownerId: user.id });
  if (!row || row.agentSlug !== slug) notFound();
  const e = row.execution;
  const facts: [string, string][] = [
    ["Version", row.version ? `v${row.version}` : "draft"],
    ["Source", e.source],
    ["Started", e.startedAt.toISOString()],
    ["Finished", e.finishedAt?.toISOString() ?? "—"],
    ["Duration", e.durationMs === null ? "—" : `${e.durationMs} ms`],
    ["Tokens", `${e.tokensIn} in / ${e.tokensOut} out`],
    ["Cost", formatWei(e.costWei)],
  ];
  return (
    <div className="space-y-6">
      <Link href={`/studio/${slug}/runs`} className="text-sm text-muted-foreground hover:underline">
        ← Runs of {row.agentName}
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold tracking-tight">Execution</h1>
        <StatusBadge status={e.status} />
      </div>
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt className="text-muted-foreground">{k}</dt>
            <dd className="font-medium">{v}</dd>
          </div>
        ))}
      </dl>
      {e.errorCode ? (
        <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/5 p-3 text-sm text-destructive">
          {e.errorCode}: {e.errorMessage}
        </p>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Input</CardTitle>
          </CardHeader>
          <CardContent>
            <pre className="max-h-80 overflow-auto rounded-md bg-muted p-3 text-xs">{JSON.stringify(e.input, null, 2)}</pre>
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
      <Card>
        <CardHeader>
          <CardTitle>Steps and logs</CardTitle>
        </CardHeader>
        <CardContent>
          {(e.steps as Step[]).length ? <StepList steps={e.steps as Step[]} /> : <p className="text-sm text-muted-foreground">No steps recorded.</p>}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Receipt</CardTitle>
        </CardHeader>
        <CardContent className="space-y-1 text-xs">
          <p>
            Receipt hash: <code data-testid="receipt-hash">{e.receiptHash}</code>
          </p>
          <p>Input hash: <code>{e.inputHash}</code></p>
          <p>Output hash: <code>{e.outputHash ?? "—"}</code></p>
        </CardContent>
      </Card>
    </div>
  );
}
