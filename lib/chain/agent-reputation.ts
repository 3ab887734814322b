import { resolveChainConfig } from "./config";
import { marketplaceContract, reputationContract } from "./client";
import { readContract } from "thirdweb";
import { readListing, readRating } from "./contracts";

export type OnChainRating =
  { state: "not-listed" } | { state: "unavailable" } | { state: "ok"; count: number; average: number | null };

/** An agent's on-chain rating, or why there is none to show. Never throws. */
export async function readAgentRating(listing: {
  listingId: string | null;
  listingChainId: number | null;
}): Promise<OnChainRating> {
  const config = resolveChainConfig();
  if (!listing.listingId || !config || listing.listingChainId !== config.chainId) return { state: "not-listed" };
  try {
    const rating = await readRating(reputationContract(config), BigInt(listing.listingId));
    return {
      state: "ok",
      count: Number(rating.count),
      average: rating.count ? Number(rating.averageX100) / 100 : null,
    };
  } catch (error) {
    console.warn("[agent page] rating read failed", error instanceof Error ? error.message : error);
    return { state: "unavailable" };
  }
}

export type OnChainListing = {
  creator: string;
  priceWei: string;
  active: boolean;
  payees: { address: string; shareBps: number }[];
};

/** A listing as the marketplace holds it, or null when it cannot be read. Never throws. */
export async function readListingState(listingId: string): Promise<OnChainListing | null> {
  const config = resolveChainConfig();
  if (!config) return null;
  try {
    const listing = await readListing(marketplaceContract(config), BigInt(listingId));
    return {
      creator: listing.creator,
      priceWei: listing.pricePerRun.toString(),
      active: listing.active,
      payees: listing.payees.map((p) => ({ address: p.account.toLowerCase(), shareBps: Number(p.shareBps) })),
    };
  } catch (error) {
    console.warn("[studio] listing read failed", error instanceof Error ? error.message : error);
    return null;
  }
}

/** Which of these purchases have been rated already (unknown ones count as rated). */
export async function readRatedFlags(purchaseIds: string[]): Promise<Record<string, boolean>> {
  const config = resolveChainConfig();
  if (!config || purchaseIds.length === 0) return {};
  const contract = reputationContract(config);
  const entries = await Promise.all(
    purchaseIds.map(async (id) => {
      try {
        return [id, await readContract({ contract, method: "hasRated", params: [BigInt(id)] })] as const;
      } catch {
        return [id, true] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
