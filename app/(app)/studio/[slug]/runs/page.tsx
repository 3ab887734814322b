import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { StatusBadge } from "@/components/studio/status-badge";
import { getDb } from "@/lib/db";
import { getAgentForOwner } from "@/db/queries/agents";
import { listExecutionsForOwner } from "@/db/queries/executions";
import { requirePageUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Runs" };

export default async function AgentRunsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requirePageUser(`/studio/${slug}/runs`);
  const db = await getDb();
  const agent = await getAgentForOwner(db, { slug, ownerId: user.id });
  if (!agent) notFound();
  const runs = await listExecutionsForOwner(db, { agentId: agent.id, ownerId: user.id, limit: 100 });
  return (
    <div className="space-y-6">
      <Link href={`/studio/${slug}`} className="text-sm text-muted-foreground hover:underline">
        ← {agent.name}
      </Link>
      <h1 className="text-2xl font-bold tracking-tight">Runs of {agent.name}</h1>
      {runs.length === 0 ? (
        <p className="rounded-lg border border-dashed p-8 text-center text-muted-foreground">
          No runs yet. Try the agent in the playground.
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <table className="w-full text-sm" aria-label="Runs">
            <thead className="bg-muted text-left text-xs uppercase text-muted-foreground">
              <tr>
                <th className="p-3">Started</th>
                <th className="p-3">Status</th>
                <th className="p-3">Version</th>
                <th className="p-3">Source</th>
                <th className="p-3 text-right">Duration</th>
                <th className="p-3 text-right">Tokens</th>
              </tr>
            </thead>
            <tbody className="divide-y">
              {runs.map((r) => (
                <tr key={r.id}>
                  <td className="p-3">
                    <Link href={`/studio/${slug}/runs/${r.id}`} className="text-primary hover:underline">
                      {r.startedAt.toISOString().replace("T", " ").slice(0, 19)}
                    </Link>
                  </td>
                  <td className="p-3">
                    <StatusBadge status={r.status} />
                    {r.errorCode ? <span className="ml-2 text-xs text-muted-foreground">{r.errorCode}</span> : null}
                  </td>
                  <td className="p-3">{r.version ? `v${r.version}` : "draft"}</td>
                  <td className="p-3">{r.source}</td>
                  <td className="p-3 text-right">{r.durationMs ?? "—"} ms</td>
                  <td className="p-3 text-right">
                    {r.tokensIn}/{r.tokensOut}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
