import type { Hex } from "viem";
import type { PurchaseEvent } from "@/db/queries/purchases";
import { AppError } from "@/lib/errors";
import type { ChainConfig } from "./config";
import { readMarketplaceReceipt } from "./receipts";

/** The `Purchased` event of a confirmed transaction on our marketplace. */
export async function readPurchaseEvent(config: ChainConfig, txHash: Hex): Promise<PurchaseEvent> {
  const { receipt, events } = await readMarketplaceReceipt(config, txHash);
  for (const { logIndex, event } of events) {
    if (event.eventName === "Purchased") {
      return {
        chainId: config.chainId,
        txHash: receipt.transactionHash,
        logIndex,
        blockNumber: receipt.blockNumber,
        blockHash: receipt.blockHash,
        purchaseId: event.args.purchaseId,
        listingId: event.args.listingId,
        buyer: event.args.buyer,
        runs: event.args.runs,
        amount: event.args.amount,
        token: event.args.token,
      };
    }
  }
  throw new AppError("INVALID_INPUT", "That transaction is not a purchase on the marketplace.");
}
