import "server-only";
import type { Db } from "@/db/client";
import { listEarningsForOwner } from "@/db/queries/purchases";
import { listPayeeWalletsForOwner, withdrawnTotals } from "@/db/queries/withdrawals";
import { readClaimableBalances } from "@/lib/chain/balances";
import type { ChainConfig } from "@/lib/chain/config";

/** At most this many payee wallets, and tokens besides the native one, are read from the chain per load. */
export const MAX_PAYEE_WALLETS = 20;
export const MAX_TOKENS = 8;

export type EarningsRow = {
  address: string;
  /** A wallet linked to the creator's account (others are co-payees named in their versions). */
  linked: boolean;
  token: string;
  symbol: string;
  decimals: number;
  /** Wei as text; null when the chain did not answer. */
  claimable: string | null;
  withdrawn: string;
  withdrawals: number;
};

/** The tokens the creator was paid in most often (by purchases), at most MAX_TOKENS. */
function mostUsedTokens(tokens: string[]): string[] {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token.toLowerCase(), (counts.get(token.toLowerCase()) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_TOKENS)
    .map(([token]) => token);
}

export type CreatorEarnings = { chain: boolean; rows: EarningsRow[] };

/**
 * Per payee wallet and token: what is claimable now (read from the marketplace contract)
 * and what was withdrawn in all (indexed `Withdrawn` events). Without a chain, nothing.
 */
export async function creatorEarnings(db: Db, config: ChainConfig | null, ownerId: string): Promise<CreatorEarnings> {
  if (!config) return { chain: false, rows: [] };
  const [payees, purchases] = await Promise.all([
    listPayeeWalletsForOwner(db, { ownerId }),
    listEarningsForOwner(db, { ownerId }),
  ]);
  const wallets = payees.slice(0, MAX_PAYEE_WALLETS);
  if (!wallets.length) return { chain: true, rows: [] };
  const [balances, withdrawn] = await Promise.all([
    readClaimableBalances(
      config,
      wallets.map((w) => w.address),
      mostUsedTokens(purchases.map((p) => p.token)),
    ),
    withdrawnTotals(db, { chainId: config.chainId, accounts: wallets.map((w) => w.address) }),
  ]);
  const linked = new Map(wallets.map((w) => [w.address, w.linked]));
  const taken = new Map(withdrawn.map((w) => [`${w.account}/${w.token}`, w]));
  return {
    chain: true,
    rows: balances.map((b) => {
      const address = b.address.toLowerCase();
      const token = b.token.address.toLowerCase();
      const out = taken.get(`${address}/${token}`);
      return {
        address,
        linked: linked.get(address) ?? false,
        token,
        symbol: b.token.symbol,
        decimals: b.token.decimals,
        claimable: b.amount === null ? null : b.amount.toString(),
        withdrawn: out?.amountWei ?? "0",
        withdrawals: out?.withdrawals ?? 0,
      };
    }),
  };
}
