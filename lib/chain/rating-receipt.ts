import type { Hex } from "viem";
import type { RatingEvent } from "@/db/queries/ratings";
import { AppError } from "@/lib/errors";
import type { ChainConfig } from "./config";
import { readReputationReceipt } from "./receipts";

/** The `Rated` event of a confirmed transaction on our reputation contract. */
export async function readRatingEvent(config: ChainConfig, txHash: Hex): Promise<RatingEvent> {
  const { receipt, events } = await readReputationReceipt(config, txHash);
  for (const { logIndex, event } of events) {
    if (event.eventName === "Rated") {
      return {
        chainId: config.chainId,
        txHash: receipt.transactionHash,
        logIndex,
        blockNumber: receipt.blockNumber,
        blockHash: receipt.blockHash,
        listingId: event.args.listingId,
        purchaseId: event.args.purchaseId,
        rater: event.args.buyer,
        score: Number(event.args.score),
      };
    }
  }
  throw new AppError("INVALID_INPUT", "That transaction is not a rating on the reputation contract.");
}
