/**
 * Exact conversions between what a person types (token units, percentages) and what the
 * contracts store (wei, basis points), with string arithmetic only: no floating point
 * ever touches a price. Client-safe (the publishing form uses it as you type).
 */

const DECIMALS = 18;
const BPS = 10_000n;

/** "0.001" → 10^15 wei. Refuses signs, exponents, and more decimals than the token has. */
export function parseTokenAmount(text: string, decimals = DECIMALS): bigint {
  const value = text.trim();
  const match = /^(\d{1,60})(?:\.(\d+))?$/.exec(value) ?? /^()\.(\d+)$/.exec(value);
  if (!match) throw new Error("Enter an amount like 0.001 (digits and one decimal point).");
  const [, whole = "", fraction = ""] = match;
  if (fraction.length > decimals) throw new Error(`At most ${decimals} decimals: the smallest unit is 1 wei.`);
  return BigInt(whole || "0") * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}

/** 10^15 wei → "0.001": every digit kept, trailing zeros dropped. */
export function formatTokenAmount(wei: bigint | string, decimals = DECIMALS): string {
  const value = BigInt(wei);
  const unit = 10n ** BigInt(decimals);
  const fraction = (value % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction ? `${value / unit}.${fraction}` : `${value / unit}`;
}

/** "33.33" (%) → 3333 basis points. At most two decimals; 0 < share ≤ 100. */
export function parsePercent(text: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new Error("Enter a share like 50 or 33.33 (at most two decimals).");
  const bps = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  if (bps < 1 || bps > 10_000) throw new Error("A share is more than 0 % and at most 100 %.");
  return bps;
}

/** 3333 basis points → "33.33". */
export function formatPercent(bps: number): string {
  const whole = Math.floor(bps / 100);
  const rest = bps % 100;
  return rest ? `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}` : String(whole);
}

/**
 * Who gets what of `amount`, exactly as AgentMarketplace splits it: the platform fee
 * first (amount × feeBps / 10,000, rounded down), then each payee after the first its
 * share of the rest (rounded down), and the first payee the remainder (the rounding dust).
 */
export function splitPurchase(
  amount: bigint,
  feeBps: number,
  payees: { address: string; shareBps: number }[],
): { fee: bigint; cuts: bigint[] } {
  const fee = (amount * BigInt(feeBps)) / BPS;
  const remaining = amount - fee;
  const cuts = payees.map((p, i) => (i === 0 ? 0n : (remaining * BigInt(p.shareBps)) / BPS));
  if (payees.length) cuts[0] = remaining - cuts.reduce((a, b) => a + b, 0n);
  return { fee, cuts };
}
