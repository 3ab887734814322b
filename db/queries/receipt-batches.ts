import { and, asc, count, desc, eq, isNotNull, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agents, executions, receiptBatches } from "../schema";

/** Attestable receipts: finished, with a receipt, not yet in a batch, not playground runs. */
const unbatched = and(
  isNull(executions.receiptBatchId),
  isNotNull(executions.receiptHash),
  ne(executions.status, "running"),
  ne(executions.source, "playground"),
);

/** The agents listed on this chain that have unbatched receipts, with their listing ids. */
export async function listAgentsWithUnbatchedReceipts(db: Db, params: { chainId: number }) {
  return db
    .selectDistinct({ agentId: executions.agentId, listingId: agents.listingId })
    .from(executions)
    .innerJoin(agents, eq(agents.id, executions.agentId))
    .where(and(unbatched, eq(agents.listingChainId, params.chainId), isNotNull(agents.listingId)));
}

/** An agent's oldest unbatched receipts (at most `limit`), in leaf order. */
export async function listUnbatchedReceipts(db: Db, params: { agentId: string; limit: number }) {
  return db
    .select({
      id: executions.id,
      receiptHash: executions.receiptHash,
      status: executions.status,
      durationMs: executions.durationMs,
    })
    .from(executions)
    .where(and(eq(executions.agentId, params.agentId), unbatched))
    .orderBy(asc(executions.finishedAt), asc(executions.id))
    .limit(params.limit);
}

/**
 * Inserts a batch and assigns its executions to it, leaf index by position, with a
 * conditional UPDATE: returns false (and the caller's transaction should roll back) when
 * another pass batched one of them first. Run it inside a transaction.
 */
export async function createReceiptBatch(
  tx: Db,
  params: {
    batch: Omit<typeof receiptBatches.$inferInsert, "id" | "txHash" | "attestedAt" | "createdAt">;
    executionIds: string[];
  },
): Promise<boolean> {
  const [batch] = await tx.insert(receiptBatches).values(params.batch).returning({ id: receiptBatches.id });
  const ids = `{${params.executionIds.join(",")}}`;
  const assigned = await tx.execute(sql`
    update executions e set receipt_batch_id = ${batch!.id}, receipt_leaf_index = v.ord - 1
    from unnest(${ids}::uuid[]) with ordinality as v(id, ord)
    where e.id = v.id and e.receipt_batch_id is null`);
  const count =
    (assigned as { rowCount?: number; affectedRows?: number }).rowCount ??
    (assigned as { affectedRows?: number }).affectedRows;
  return count === params.executionIds.length;
}

/** Batches of this chain and contract not yet attested, oldest first. */
export async function listUnattestedBatches(db: Db, params: { chainId: number; contractAddress: string }) {
  return db
    .select()
    .from(receiptBatches)
    .where(
      and(
        isNull(receiptBatches.attestedAt),
        eq(receiptBatches.chainId, params.chainId),
        eq(receiptBatches.contractAddress, params.contractAddress),
      ),
    )
    .orderBy(asc(receiptBatches.createdAt));
}

/** Records a batch's attestation transaction, once. */
export async function markBatchAttested(db: Db, params: { batchId: string; txHash: string | null; at: Date }) {
  await db
    .update(receiptBatches)
    .set({ txHash: params.txHash, attestedAt: params.at })
    .where(and(eq(receiptBatches.id, params.batchId), isNull(receiptBatches.attestedAt)));
}

/** A batch and its leaves (receipt hashes in leaf order), for a proof. */
export async function getReceiptBatchWithLeaves(db: Db, params: { batchId: string }) {
  const [batch] = await db.select().from(receiptBatches).where(eq(receiptBatches.id, params.batchId)).limit(1);
  if (!batch) return undefined;
  const leaves = await db
    .select({ receiptHash: executions.receiptHash })
    .from(executions)
    .where(eq(executions.receiptBatchId, params.batchId))
    .orderBy(asc(executions.receiptLeafIndex));
  return { batch, receiptHashes: leaves.map((l) => l.receiptHash!) };
}

/** The attester's state: receipts waiting for a batch, batches waiting to be attested, the last attested. */
export async function attesterBacklog(db: Db) {
  const [unbatchedRow] = await db.select({ n: count() }).from(executions).where(unbatched);
  const [pending] = await db.select({ n: count() }).from(receiptBatches).where(isNull(receiptBatches.txHash));
  const [last] = await db
    .select({ attestedAt: receiptBatches.attestedAt, txHash: receiptBatches.txHash, runs: receiptBatches.runs })
    .from(receiptBatches)
    .where(isNotNull(receiptBatches.txHash))
    .orderBy(desc(receiptBatches.attestedAt))
    .limit(1);
  return { unbatchedReceipts: unbatchedRow?.n ?? 0, pendingBatches: pending?.n ?? 0, lastAttested: last ?? null };
}
