/**
 * Typed calls to the platform contracts through thirdweb. `prepare*` functions return
 * transactions for a wallet to send (in the browser for users, on the server only for
 * the platform's own attester key); `read*` functions are views.
 */
import { prepareContractCall, readContract } from "thirdweb";
import type { MarketplaceContract, ReputationContract } from "./client";

export const NATIVE_TOKEN = "0x0000000000000000000000000000000000000000" as const;

export type Payee = { account: `0x${string}`; shareBps: number };

export function prepareRegisterListing(
  contract: MarketplaceContract,
  p: { token: `0x${string}`; pricePerRun: bigint; payees: Payee[] },
) {
  return prepareContractCall({ contract, method: "registerListing", params: [p.token, p.pricePerRun, p.payees] });
}

export function prepareUpdateListing(
  contract: MarketplaceContract,
  p: { listingId: bigint; pricePerRun: bigint; payees: Payee[]; active: boolean },
) {
  return prepareContractCall({
    contract,
    method: "updateListing",
    params: [p.listingId, p.pricePerRun, p.payees, p.active],
  });
}

/**
 * A purchase of `runs` runs, paying `value` (native token; 0 for an ERC-20 listing) and
 * never more than `maxTotal`, the total the buyer agreed to: the contract reverts if the
 * price rose meanwhile.
 */
export function preparePurchase(
  contract: MarketplaceContract,
  p: { listingId: bigint; runs: bigint; value: bigint; maxTotal: bigint },
) {
  return prepareContractCall({
    contract,
    method: "purchase",
    params: [p.listingId, p.runs, p.maxTotal],
    value: p.value,
  });
}

/** Suspends a listing (no purchases whatever its creator sets) or lifts that: the contract owner's call. */
export function prepareSetListingSuspended(
  contract: MarketplaceContract,
  p: { listingId: bigint; suspended: boolean },
) {
  return prepareContractCall({ contract, method: "setListingSuspended", params: [p.listingId, p.suspended] });
}

export async function readListingSuspended(contract: MarketplaceContract, listingId: bigint): Promise<boolean> {
  return readContract({ contract, method: "listingSuspended", params: [listingId] });
}

/** The platform fee of future purchases (the contract owner's call). */
export function prepareSetFeeBps(contract: MarketplaceContract, p: { feeBps: number }) {
  return prepareContractCall({ contract, method: "setFeeBps", params: [p.feeBps] });
}

export function prepareWithdraw(contract: MarketplaceContract, p: { token: `0x${string}` }) {
  return prepareContractCall({ contract, method: "withdraw", params: [p.token] });
}

export function prepareRate(contract: ReputationContract, p: { purchaseId: bigint; score: number }) {
  return prepareContractCall({ contract, method: "rate", params: [p.purchaseId, p.score] });
}

export function prepareAttest(
  contract: ReputationContract,
  p: {
    listingId: bigint;
    runs: bigint;
    successes: bigint;
    p50LatencyMs: number;
    p99LatencyMs: number;
    receiptsRoot: `0x${string}`;
  },
) {
  return prepareContractCall({
    contract,
    method: "attest",
    params: [p.listingId, p.runs, p.successes, p.p50LatencyMs, p.p99LatencyMs, p.receiptsRoot],
  });
}

export async function readListing(contract: MarketplaceContract, listingId: bigint) {
  const [creator, token, pricePerRun, active, payees] = await readContract({
    contract,
    method: "getListing",
    params: [listingId],
  });
  return { creator, token, pricePerRun, active, payees };
}

/** The marketplace's platform fee in basis points (owner-set, at most 10 %). */
export async function readFeeBps(contract: MarketplaceContract): Promise<number> {
  return Number(await readContract({ contract, method: "feeBps", params: [] }));
}

/** The contract's platform settings: fee, its cap and recipient, owner, pause. */
export async function readPlatformSettings(contract: MarketplaceContract) {
  const [feeBps, maxFeeBps, feeRecipient, owner, paused] = await Promise.all([
    readContract({ contract, method: "feeBps", params: [] }),
    readContract({ contract, method: "MAX_FEE_BPS", params: [] }),
    readContract({ contract, method: "feeRecipient", params: [] }),
    readContract({ contract, method: "owner", params: [] }),
    readContract({ contract, method: "paused", params: [] }),
  ]);
  return { feeBps: Number(feeBps), maxFeeBps: Number(maxFeeBps), feeRecipient, owner, paused };
}

export function readBalance(contract: MarketplaceContract, p: { token: `0x${string}`; account: `0x${string}` }) {
  return readContract({ contract, method: "balanceOf", params: [p.token, p.account] });
}

export async function readPurchase(contract: MarketplaceContract, purchaseId: bigint) {
  const [buyer, listingId, runs] = await readContract({ contract, method: "purchaseOf", params: [purchaseId] });
  return { buyer, listingId, runs };
}

export async function readRating(contract: ReputationContract, listingId: bigint) {
  const [count, sum, averageX100] = await readContract({ contract, method: "ratingOf", params: [listingId] });
  return { count, sum, averageX100 };
}

export async function readStats(contract: ReputationContract, listingId: bigint) {
  const [runs, successes, batches, lastRoot] = await readContract({ contract, method: "statsOf", params: [listingId] });
  return { runs, successes, batches, lastRoot };
}
