import { hashCanonical } from "@/lib/canonical-json";

export type ReceiptFields = {
  executionId: string;
  agentId: string;
  versionId: string | null;
  inputHash: string;
  outputHash: string | null;
  status: string;
  tokensIn: number;
  tokensOut: number;
  costWei: string;
  startedAt: Date;
  finishedAt: Date;
};

/**
 * The receipt of an execution: SHA-256 over its canonical record (sorted-key JSON, ISO
 * timestamps). Anyone holding the record can recompute it; receipts are later batched
 * into Merkle roots attested on-chain.
 */
export function computeReceiptHash(fields: ReceiptFields): string {
  return hashCanonical({
    v: 1,
    ...fields,
    startedAt: fields.startedAt.toISOString(),
    finishedAt: fields.finishedAt.toISOString(),
  });
}
