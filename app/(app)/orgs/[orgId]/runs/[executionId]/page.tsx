import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ExecutionDetail } from "@/components/executions/execution-detail";
import { ReceiptVerification } from "@/components/executions/receipt-verification";
import { StatusBadge } from "@/components/studio/status-badge";
import { getDb } from "@/lib/db";
import { getExecutionForOrgMember } from "@/db/queries/api-runs";
import { requirePageUser } from "@/lib/auth/session";
import { isUuid } from "@/lib/platform/uuid";

export const metadata: Metadata = { title: "Execution" };

/** An execution the organisation paid for, for its members. */
export default async function OrgExecutionPage({
  params,
}: {
  params: Promise<{ orgId: string; executionId: string }>;
}) {
  const { orgId, executionId } = await params;
  const user = await requirePageUser(`/orgs/${orgId}/runs/${executionId}`);
  if (!isUuid(orgId) || !isUuid(executionId)) notFound();
  const db = await getDb();
  const row = await getExecutionForOrgMember(db, { executionId, orgId, userId: user.id });
  if (!row) notFound();
  return (
    <div className="space-y-6">
      <Link href={`/orgs/${orgId}/api`} className="text-sm text-muted-foreground hover:underline">
        ← API keys and usage
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold tracking-tight">
          {row.agentName} <span className="text-muted-foreground">run</span>
        </h1>
        <StatusBadge status={row.execution.status} />
        {row.keyName ? <span className="text-sm text-muted-foreground">via key {row.keyName}</span> : null}
      </div>
      <ExecutionDetail
        execution={row.execution}
        version={row.version}
        receiptExtra={<ReceiptVerification db={db} execution={row.execution} />}
      />
    </div>
  );
}
