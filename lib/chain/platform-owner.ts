import "server-only";
import { sendAndConfirmTransaction } from "thirdweb";
import { privateKeyToAccount, type Account } from "thirdweb/wallets";
import { marketplaceContract, thirdwebClient } from "./client";
import type { ChainConfig } from "./config";
import { prepareSetFeeBps, prepareSetListingSuspended, readListingSuspended, readPlatformSettings } from "./contracts";
import { anvilAccounts } from "./dev-accounts";
import { toChainError } from "./errors";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** The marketplace owner's account: MARKETPLACE_OWNER_PRIVATE_KEY, or on `npm start`'s local chain its deployer (anvil #0). */
export function marketplaceOwnerAccount(): Account | null {
  const key = env.MARKETPLACE_OWNER_PRIVATE_KEY ?? (env.CHAIN_RPC_URL ? undefined : anvilAccounts[0].privateKey);
  return key ? privateKeyToAccount({ client: thirdwebClient(), privateKey: key }) : null;
}

/**
 * What the platform does with the AgentMarketplace owner's key (MARKETPLACE_OWNER_PRIVATE_KEY):
 * set the platform fee, and suspend the listing of an agent its operators unlisted.
 */

/** The on-chain platform settings, and whether this server holds the owner's key. */
export async function platformSettings(config: ChainConfig) {
  try {
    const settings = await readPlatformSettings(marketplaceContract(config));
    const account = marketplaceOwnerAccount();
    return { ...settings, ownerKeyHeld: account?.address.toLowerCase() === settings.owner.toLowerCase() };
  } catch (error) {
    throw toChainError(error);
  }
}

/**
 * Sets the platform fee through the contract's owner function (setFeeBps), signed with the
 * owner's key; answers the fee before and after and the transaction. The contract enforces
 * the cap (MAX_FEE_BPS) and the owner; this checks both first for a clear message.
 */
export async function setPlatformFee(config: ChainConfig, feeBps: number) {
  const account = marketplaceOwnerAccount();
  if (!account) {
    throw new AppError(
      "CHAIN_UNAVAILABLE",
      "Set MARKETPLACE_OWNER_PRIVATE_KEY (the AgentMarketplace owner's key) to change the fee from here.",
    );
  }
  const before = await platformSettings(config);
  if (!before.ownerKeyHeld)
    throw new AppError("FORBIDDEN", "MARKETPLACE_OWNER_PRIVATE_KEY is not the key of the contract's owner.");
  if (feeBps > before.maxFeeBps)
    throw new AppError("INVALID_INPUT", `The contract allows at most ${before.maxFeeBps} basis points.`, {
      fieldErrors: { feeBps: [`At most ${before.maxFeeBps} basis points.`] },
    });
  try {
    const receipt = await sendAndConfirmTransaction({
      account,
      transaction: prepareSetFeeBps(marketplaceContract(config), { feeBps }),
    });
    return { from: before.feeBps, to: feeBps, txHash: receipt.transactionHash };
  } catch (error) {
    throw toChainError(error);
  }
}

/**
 * Suspends (or lifts the suspension of) a listing on-chain, so that nobody can buy runs of
 * an agent the operators unlisted, even by calling the contract directly. Answers the
 * transaction, or null when the listing already was in that state.
 */
export async function setListingSuspendedOnChain(config: ChainConfig, listingId: bigint, suspended: boolean) {
  const account = marketplaceOwnerAccount();
  if (!account)
    throw new AppError(
      "CHAIN_UNAVAILABLE",
      "Set MARKETPLACE_OWNER_PRIVATE_KEY (the AgentMarketplace owner's key) to suspend listings on-chain.",
    );
  const contract = marketplaceContract(config);
  try {
    if ((await readListingSuspended(contract, listingId)) === suspended) return null;
    const receipt = await sendAndConfirmTransaction({
      account,
      transaction: prepareSetListingSuspended(contract, { listingId, suspended }),
    });
    return { txHash: receipt.transactionHash };
  } catch (error) {
    throw toChainError(error);
  }
}
