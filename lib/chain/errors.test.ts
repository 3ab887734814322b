import { encodeErrorResult } from "viem";
import { expect, test } from "vitest";
import { agentMarketplaceAbi } from "./abi/agent-marketplace";
import { agentReputationAbi } from "./abi/agent-reputation";
import { toChainError } from "./errors";

const revertData = (
  abi: typeof agentMarketplaceAbi | typeof agentReputationAbi,
  errorName: string,
  args: unknown[] = [],
) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test input built from the ABI
  encodeErrorResult({ abi: abi as any, errorName, args });

test.each([
  [
    "a rejected signature",
    Object.assign(new Error("User rejected the request."), { code: 4001 }),
    "WALLET_REJECTED",
    "The request was rejected in the wallet.",
  ],
  [
    "too little balance",
    new Error("insufficient funds for gas * price + value"),
    "INSUFFICIENT_FUNDS",
    "The wallet does not hold enough funds for this transaction.",
  ],
  [
    "an unreachable node",
    new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:8545") }),
    "CHAIN_UNAVAILABLE",
    "The blockchain is not reachable right now.",
  ],
  [
    "the wrong chain",
    new Error("The current chain of the wallet (id: 1) does not match the target chain for the transaction"),
    "WRONG_CHAIN",
    "The wallet is connected to the wrong chain.",
  ],
  [
    "a marketplace revert",
    Object.assign(new Error("execution reverted"), {
      data: revertData(agentMarketplaceAbi, "WrongPayment", [10n, 9n]),
    }),
    "CONTRACT_REVERTED",
    "The payment must be exactly the price per run times the number of runs.",
  ],
  [
    "a reputation revert in a nested cause",
    new Error("call failed", { cause: { data: revertData(agentReputationAbi, "AlreadyRated", [3n]) } }),
    "CONTRACT_REVERTED",
    "This purchase has already been rated.",
  ],
  [
    "a revert named in the message",
    new Error("Execution reverted with reason: NotPurchaseBuyer(1, 0xabc)"),
    "CONTRACT_REVERTED",
    "Only the wallet that paid for this purchase can rate it.",
  ],
])("%s → %s", (_name, error, code, message) => {
  const mapped = toChainError(error);
  expect(mapped).toMatchObject({ code, message });
  expect(mapped.cause).toBe(error);
});
