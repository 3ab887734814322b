import { readContract } from "thirdweb";
import type { Hex } from "viem";
import type { Db } from "@/db/client";
import { getReceiptBatchWithLeaves } from "@/db/queries/receipt-batches";
import type { executions } from "@/db/schema";
import { computeReceiptHash, type ReceiptFields } from "@/lib/agents/runtime/receipt";
import { reputationContract } from "@/lib/chain/client";
import type { ChainConfig } from "@/lib/chain/config";
import { merkleProof, receiptLeaf, verifyMerkleProof } from "./merkle";

/** A stored execution; its steps are not part of the receipt. */
type ExecutionRow = Omit<typeof executions.$inferSelect, "steps">;

export type ReceiptProof = {
  receipt: Omit<ReceiptFields, "startedAt" | "finishedAt"> & { v: 1; startedAt: string; finishedAt: string };
  receiptHash: string;
  attestation: null | {
    status: "pending" | "attested";
    batchId: string;
    chainId: number;
    contract: string;
    listingId: string;
    root: Hex;
    leaf: Hex;
    leafIndex: number;
    proof: Hex[];
    transactionHash: string | null;
    attestedAt: string | null;
  };
};

/** The canonical record a receipt hash covers, as stored for a finished execution. */
export function receiptFieldsOf(e: ExecutionRow): ReceiptFields | null {
  if (!e.finishedAt) return null;
  return {
    executionId: e.id,
    agentId: e.agentId,
    versionId: e.versionId,
    inputHash: e.inputHash ?? "",
    outputHash: e.outputHash,
    status: e.status,
    tokensIn: e.tokensIn,
    tokensOut: e.tokensOut,
    costWei: e.costWei,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
  };
}

/** A finished execution's receipt and, once batched, its Merkle proof and attestation. */
export async function buildReceiptProof(db: Db, execution: ExecutionRow): Promise<ReceiptProof | null> {
  const fields = receiptFieldsOf(execution);
  if (!fields || !execution.receiptHash) return null;
  const receipt = {
    v: 1 as const,
    ...fields,
    startedAt: fields.startedAt.toISOString(),
    finishedAt: fields.finishedAt.toISOString(),
  };
  if (!execution.receiptBatchId || execution.receiptLeafIndex === null)
    return { receipt, receiptHash: execution.receiptHash, attestation: null };
  const found = await getReceiptBatchWithLeaves(db, { batchId: execution.receiptBatchId });
  if (!found) return { receipt, receiptHash: execution.receiptHash, attestation: null };
  const { batch } = found;
  const leafHashes = found.receiptHashes.map((h) => receiptLeaf(h));
  return {
    receipt,
    receiptHash: execution.receiptHash,
    attestation: {
      status: batch.attestedAt ? "attested" : "pending",
      batchId: batch.id,
      chainId: batch.chainId,
      contract: batch.contractAddress,
      listingId: batch.listingId,
      root: batch.root as Hex,
      leaf: leafHashes[execution.receiptLeafIndex]!,
      leafIndex: execution.receiptLeafIndex,
      proof: merkleProof(leafHashes, execution.receiptLeafIndex),
      transactionHash: batch.txHash,
      attestedAt: batch.attestedAt?.toISOString() ?? null,
    },
  };
}

/**
 * Checks a receipt end to end without trusting the stored hash: recompute the hash from
 * the record, derive the leaf, and fold the proof up to the root.
 */
export function verifyReceiptProof(proof: Pick<ReceiptProof, "receipt" | "receiptHash" | "attestation">): {
  hashMatches: boolean;
  proofValid: boolean;
} {
  const { v: _v, ...rest } = proof.receipt;
  const recomputed = computeReceiptHash({
    ...rest,
    startedAt: new Date(rest.startedAt),
    finishedAt: new Date(rest.finishedAt),
  });
  const hashMatches = recomputed === proof.receiptHash;
  const proofValid =
    Boolean(proof.attestation) &&
    verifyMerkleProof(receiptLeaf(recomputed), proof.attestation!.proof, proof.attestation!.root);
  return { hashMatches, proofValid };
}

/** Whether AgentReputation holds this root for the listing (the attestation's batch number, 0 when not). */
export async function readAttestedBatch(config: ChainConfig, listingId: string, root: Hex): Promise<bigint> {
  return readContract({
    contract: reputationContract(config),
    method: "batchOfRoot",
    params: [BigInt(listingId), root],
  });
}
