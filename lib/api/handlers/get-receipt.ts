import { z } from "zod";
import { getExecutionRecordForOrg } from "@/db/queries/api-runs";
import { withApiKey } from "@/lib/api/with-api-key";
import { problemResponse } from "@/lib/api/problem";
import { buildReceiptProof } from "@/lib/receipts/proof";
import { jsonResponse } from "@/lib/api/json-response";

/**
 * A run's receipt: the canonical record its hash covers and, once attested, the Merkle
 * proof from the receipt to the root posted on AgentReputation, with the transaction.
 */
export const getReceipt = withApiKey<{ id: string }>(async ({ db, key, headers, params: { id } }) => {
  const execution = z.uuid().safeParse(id).success
    ? await getExecutionRecordForOrg(db, { executionId: id, orgId: key.orgId, agentIds: key.agentIds })
    : undefined;
  if (!execution) return problemResponse("not-found", "There is no run with that id for this API key.", { headers });
  const proof = await buildReceiptProof(db, execution);
  if (!proof) return problemResponse("not-found", "This run has not finished, so it has no receipt yet.", { headers });
  return jsonResponse(
    {
      ...proof,
      verification: {
        leaf: "keccak256(receiptHash)",
        hash: "receiptHash = sha256(canonical JSON of `receipt`: keys sorted, no spaces)",
        proof:
          "fold: node = keccak256(min(node, sibling) ‖ max(node, sibling)); the result must equal `root`, and AgentReputation.batchOfRoot(listingId, root) must be non-zero",
      },
    },
    { headers },
  );
});
