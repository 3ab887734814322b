import type { Hex } from "viem";
import { AppError } from "@/lib/errors";
import type { ChainConfig } from "./config";
import { readMarketplaceReceipt } from "./receipts";

/** The listing a confirmed transaction registered on our marketplace, and who registered it. */
export async function readRegisteredListing(
  config: ChainConfig,
  txHash: Hex,
): Promise<{ listingId: bigint; creator: string; pricePerRun: bigint }> {
  const { events } = await readMarketplaceReceipt(config, txHash);
  for (const { event } of events) {
    if (event.eventName === "ListingRegistered") {
      return {
        listingId: event.args.listingId,
        creator: event.args.creator.toLowerCase(),
        pricePerRun: event.args.pricePerRun,
      };
    }
  }
  throw new AppError("INVALID_INPUT", "That transaction did not register a listing on the marketplace.");
}
