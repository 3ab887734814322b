import { decodeErrorResult, type Hex } from "viem";
import { AppError } from "@/lib/errors";
import { agentMarketplaceAbi } from "./abi/agent-marketplace";
import { agentReputationAbi } from "./abi/agent-reputation";

/** What each contract error means to a person. */
const revertMessages: Record<string, string> = {
  InvalidPayees: "The payees must be 1 to 10 distinct addresses whose shares add up to 10,000 basis points.",
  InvalidPrice: "The price per run must be more than zero.",
  InvalidRuns: "Buy at least one run.",
  ListingNotFound: "That listing does not exist on-chain.",
  ListingInactive: "That listing is not for sale right now.",
  NotListingCreator: "Only the listing's creator can change it.",
  WrongPayment: "The payment must be exactly the price per run times the number of runs.",
  FeeOnTransferToken: "This token takes a fee on transfer, which the marketplace does not accept.",
  NothingToWithdraw: "There is nothing to withdraw.",
  TransferFailed: "The payout could not be sent to this address.",
  PriceAboveMaximum:
    "The price went up since you agreed to it, so nothing was charged. Check the new price and buy again.",
  MarketplacePaused:
    "The marketplace is paused for maintenance: purchases and listing changes are stopped (withdrawals still work).",
  NotPurchaseBuyer: "Only the wallet that paid for this purchase can rate it.",
  AlreadyRated: "This purchase has already been rated.",
  InvalidScore: "Ratings go from 1 to 5.",
  InvalidBatch: "That attestation batch is invalid.",
};

/** Every message down the cause chain, for matching. */
function messagesOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    parts.push(String((current as { message?: unknown }).message ?? current));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(" | ");
}

function findRevertData(error: unknown): Hex | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const e = current as { data?: unknown; cause?: unknown; message?: string };
    if (typeof e.data === "string" && e.data.startsWith("0x") && e.data.length >= 10) return e.data as Hex;
    if (e.data && typeof (e.data as { data?: unknown }).data === "string") return (e.data as { data: Hex }).data;
    const m =
      typeof e.message === "string"
        ? /0x[0-9a-fA-F]{8,}/.exec(e.message.match(/data[":\s]+(0x[0-9a-fA-F]+)/)?.[1] ?? "")
        : null;
    if (m) return m[0] as Hex;
    current = e.cause;
  }
  return undefined;
}

/**
 * Maps a wallet, RPC or contract failure to an AppError with a message a person can act
 * on. The raw message is kept as the cause (logged, not shown).
 */
export function toChainError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const text = messagesOf(error);
  const code = (error as { code?: unknown })?.code;
  // A contract's own reason comes first: its error names are the most specific.
  const data = findRevertData(error);
  if (data) {
    for (const abi of [agentMarketplaceAbi, agentReputationAbi]) {
      try {
        const decoded = decodeErrorResult({ abi, data });
        return new AppError(
          "CONTRACT_REVERTED",
          revertMessages[decoded.errorName] ?? `The contract refused: ${decoded.errorName}.`,
          { cause: error },
        );
      } catch {
        // not this contract's error
      }
    }
  }
  const named = Object.keys(revertMessages).find((name) => new RegExp(`\\b${name}\\b`).test(text));
  if (named) return new AppError("CONTRACT_REVERTED", revertMessages[named], { cause: error });
  if (code === 4001 || /user rejected|user denied|rejected the request/i.test(text))
    return new AppError("WALLET_REJECTED", undefined, { cause: error });
  if (/insufficient funds/i.test(text)) return new AppError("INSUFFICIENT_FUNDS", undefined, { cause: error });
  if (/fetch failed|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket hang up|bad port/i.test(text)) {
    return new AppError("CHAIN_UNAVAILABLE", undefined, { cause: error });
  }
  if (/wrong chain|chain mismatch|does not match the target chain/i.test(text))
    return new AppError("WRONG_CHAIN", undefined, { cause: error });
  return new AppError("CONTRACT_REVERTED", undefined, { cause: error });
}
