import { readContract, getContract } from "thirdweb";
import { formatUnits, getAddress } from "viem";
import { chainOf, marketplaceContract, thirdwebClient } from "./client";
import type { ChainConfig } from "./config";
import { NATIVE_TOKEN, readBalance } from "./contracts";

export type TokenInfo = { address: `0x${string}`; symbol: string; decimals: number };
export type ClaimableBalance = { address: string; token: TokenInfo; amount: bigint | null };

const NATIVE: TokenInfo = { address: NATIVE_TOKEN, symbol: "ETH", decimals: 18 };

/** Symbol and decimals of an ERC-20 token (the native token is ETH, 18). */
async function tokenInfo(config: ChainConfig, token: string): Promise<TokenInfo> {
  if (token.toLowerCase() === NATIVE_TOKEN) return NATIVE;
  const contract = getContract({ client: thirdwebClient(), chain: chainOf(config), address: getAddress(token) });
  const [symbol, decimals] = await Promise.all([
    readContract({ contract, method: "function symbol() view returns (string)", params: [] }).catch(() => "tokens"),
    readContract({ contract, method: "function decimals() view returns (uint8)", params: [] }).catch(() => 18),
  ]);
  return { address: getAddress(token), symbol, decimals: Number(decimals) };
}

export function formatTokenAmount(amount: bigint, token: Pick<TokenInfo, "symbol" | "decimals">): string {
  return `${formatUnits(amount, token.decimals)} ${token.symbol}`;
}

/**
 * Each wallet's claimable balance on the marketplace per token: the native token always,
 * and every other token the creator's listings have been paid in. `amount` is null where
 * the chain did not answer.
 */
export async function readClaimableBalances(
  config: ChainConfig,
  addresses: string[],
  tokens: string[] = [],
): Promise<ClaimableBalance[]> {
  const market = marketplaceContract(config);
  const distinct = [...new Set([NATIVE_TOKEN, ...tokens.map((t) => t.toLowerCase())])];
  const infos = await Promise.all(
    distinct.map((t) => tokenInfo(config, t).catch(() => ({ address: getAddress(t), symbol: "tokens", decimals: 18 }))),
  );
  return Promise.all(
    addresses.flatMap((address) =>
      infos.map(async (token) => {
        try {
          return {
            address,
            token,
            amount: await readBalance(market, { token: token.address, account: getAddress(address) }),
          };
        } catch (error) {
          console.warn("[payouts] balance read failed", error instanceof Error ? error.message : error);
          return { address, token, amount: null };
        }
      }),
    ),
  );
}
