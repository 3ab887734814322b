import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { StatusBadge } from "@/components/studio/status-badge";
import { ExecutionDetail } from "@/components/executions/execution-detail";
import { ReceiptVerification } from "@/components/executions/receipt-verification";
import { getDb } from "@/lib/db";
import { getExecutionForOwner } from "@/db/queries/executions";
import { requirePageUser } from "@/lib/auth/session";
import { isUuid } from "@/lib/platform/uuid";

export const metadata: Metadata = { title: "Execution" };

export default async function ExecutionPage({ params }: { params: Promise<{ slug: string; executionId: string }> }) {
  const { slug, executionId } = await params;
  const user = await requirePageUser(`/studio/${slug}/runs/${executionId}`);
  if (!isUuid(executionId)) notFound();
  const db = await getDb();
  const row = await getExecutionForOwner(db, { executionId, ownerId: user.id });
  if (!row || row.agentSlug !== slug) notFound();
  return (
    <div className="space-y-6">
      <Link href={`/studio/${slug}/runs`} className="text-sm text-muted-foreground hover:underline">
        ← Runs of {row.agentName}
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold tracking-tight">Execution</h1>
        <StatusBadge status={row.execution.status} />
      </div>
      <ExecutionDetail
        execution={row.execution}
        version={row.version}
        receiptExtra={<ReceiptVerification db={db} execution={row.execution} />}
      />
    </div>
  );
}
