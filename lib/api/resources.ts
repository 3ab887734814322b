import type { ApiExecution } from "@/db/queries/api-runs";

/** An execution as the public API returns it. */
export function executionResource(row: ApiExecution) {
  return {
    id: row.id,
    agent: row.agentSlug,
    version: row.version,
    // Accepted asynchronously and not started yet: `queued` (a running row, credit taken).
    status: row.status === "running" && row.queued ? "queued" : row.status,
    output: row.status === "succeeded" ? row.output : null,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage } : null,
    usage: { tokensIn: row.tokensIn, tokensOut: row.tokensOut, durationMs: row.durationMs },
    costWei: row.costWei,
    creditRefunded: row.creditRefunded,
    receiptHash: row.receiptHash,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt ? row.finishedAt.toISOString() : null,
    requestId: row.requestId ?? null,
    links: { self: `/api/v1/runs/${row.id}`, receipt: `/api/v1/runs/${row.id}/receipt` },
  };
}
