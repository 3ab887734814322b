import type { Db } from "@/db/client";
import type { executions } from "@/db/schema";
import { resolveChainConfig } from "@/lib/chain/config";
import { buildReceiptProof, readAttestedBatch, verifyReceiptProof } from "@/lib/receipts/proof";

type Check = { label: string; ok: boolean | null; detail?: string };

/**
 * Verifies an execution's receipt on the server as anyone could: recompute the receipt
 * hash from the record, fold its Merkle proof up to the batch root, and read from
 * AgentReputation that the root was attested for the agent's listing.
 */
export async function ReceiptVerification({
  db,
  execution,
}: {
  db: Db;
  execution: Omit<typeof executions.$inferSelect, "steps">;
}) {
  const proof = await buildReceiptProof(db, execution);
  if (!proof) return <p className="text-muted-foreground">The run has not finished; it has no receipt yet.</p>;
  if (!proof.attestation) {
    return (
      <p className="text-muted-foreground" data-testid="receipt-status">
        Not attested yet: receipts are batched and their Merkle root is posted on-chain every few minutes (or by{" "}
        <code>npm run attest</code>).
      </p>
    );
  }
  const a = proof.attestation;
  const local = verifyReceiptProof(proof);
  const config = resolveChainConfig();
  let onChain: Check = {
    label: "Root attested on AgentReputation",
    ok: null,
    detail: "waiting for the attestation transaction",
  };
  if (a.status === "attested") {
    if (!config || config.chainId !== a.chainId || config.reputation.toLowerCase() !== a.contract) {
      onChain = {
        label: "Root attested on AgentReputation",
        ok: null,
        detail: `chain ${a.chainId} is not the one this server reads`,
      };
    } else {
      try {
        const batch = await readAttestedBatch(config, a.listingId, a.root);
        onChain = {
          label: "Root attested on AgentReputation",
          ok: batch > 0n,
          detail: batch > 0n ? `batch #${batch} of listing #${a.listingId}` : "the contract does not hold this root",
        };
      } catch {
        onChain = {
          label: "Root attested on AgentReputation",
          ok: null,
          detail: "the chain is not reachable right now",
        };
      }
    }
  }
  const checks: Check[] = [
    { label: "Receipt hash recomputed from the record", ok: local.hashMatches },
    {
      label: `Merkle proof (${a.proof.length} sibling${a.proof.length === 1 ? "" : "s"}) leads to the batch root`,
      ok: local.proofValid,
    },
    onChain,
  ];
  const verified = checks.every((c) => c.ok === true);
  return (
    <div className="space-y-1 border-t pt-2" data-testid="receipt-verification">
      <p className={verified ? "font-medium text-green-700" : "font-medium"} data-testid="receipt-status">
        {verified
          ? "Verified against the on-chain root"
          : a.status === "pending"
            ? "Batched; the attestation is pending"
            : "Not verified"}
      </p>
      <ul className="space-y-0.5">
        {checks.map((c) => (
          <li key={c.label}>
            {c.ok === true ? "✓" : c.ok === false ? "✗" : "…"} {c.label}
            {c.detail ? <span className="text-muted-foreground"> — {c.detail}</span> : null}
          </li>
        ))}
      </ul>
      <p>
        Root <code className="break-all">{a.root}</code>
      </p>
      {a.transactionHash ? (
        <p>
          Attestation transaction <code className="break-all">{a.transactionHash}</code>
        </p>
      ) : null}
    </div>
  );
}
