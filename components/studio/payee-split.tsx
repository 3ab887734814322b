import { formatPercent, formatTokenAmount, splitPurchase } from "@/lib/money";
import { shortAddress } from "@/lib/utils";

/**
 * What one run's price pays each party, computed as the marketplace contract splits it:
 * the platform fee first, then each payee's share of the rest (dust to the first payee).
 */
export function PayeeSplit({
  priceWei,
  payees,
  feeBps,
}: {
  priceWei: bigint;
  payees: { address: string; shareBps: number }[];
  feeBps: number | null;
}) {
  if (feeBps === null) {
    return (
      <p className="text-xs text-muted-foreground" data-testid="split-preview">
        The platform fee is set on the marketplace contract, which is not reachable right now; payees share what is left
        after it.
      </p>
    );
  }
  const { fee, cuts } = splitPurchase(priceWei, feeBps, payees);
  return (
    <dl className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 text-xs" data-testid="split-preview">
      <dt className="text-muted-foreground">Each run sells at</dt>
      <dd className="text-right font-medium">{formatTokenAmount(priceWei)} ETH</dd>
      <dt className="text-muted-foreground">Platform fee ({formatPercent(feeBps)} %)</dt>
      <dd className="text-right">{formatTokenAmount(fee)} ETH</dd>
      {payees.map((p, i) => (
        <div key={`${p.address}-${i}`} className="contents">
          <dt className="text-muted-foreground">
            {/^0x[0-9a-fA-F]{40}$/.test(p.address) ? shortAddress(p.address) : `Payee ${i + 1}`} (
            {formatPercent(p.shareBps)} % of the rest)
          </dt>
          <dd className="text-right">{formatTokenAmount(cuts[i] ?? 0n)} ETH</dd>
        </div>
      ))}
    </dl>
  );
}
