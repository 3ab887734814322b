import { getAddress } from "viem";
import { marketplaceContract } from "./client";
import type { ChainConfig } from "./config";
import { NATIVE_TOKEN, readBalance } from "./contracts";

/** Each wallet's claimable native-token balance on the marketplace; null where the chain did not answer. */
export async function readClaimableBalances(config: ChainConfig, addresses: string[]) {
  const market = marketplaceContract(config);
  return Promise.all(
    addresses.map(async (address) => {
      try {
        return { address, wei: await readBalance(market, { token: NATIVE_TOKEN, account: getAddress(address) }) };
      } catch (error) {
        console.warn("[payouts] balance read failed", error instanceof Error ? error.message : error);
        return { address, wei: null as bigint | null };
      }
    }),
  );
}
