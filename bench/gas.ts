/**
 * Gas benchmark: real transactions on a fresh local anvil chain, contracts deployed
 * through thirdweb. Reports receipt gasUsed (including the 21,000 base cost) for the
 * marketplace and reputation calls, next to a plain ETH transfer measured in the same
 * run and the published anchors.
 *
 *   npm run bench:gas
 */
import { prepareTransaction, sendAndConfirmTransaction } from "thirdweb";
import { privateKeyToAccount } from "thirdweb/wallets";
import { chainOf, marketplaceContract, reputationContract, thirdwebClient } from "../lib/chain/client";
import {
  NATIVE_TOKEN,
  preparePurchase,
  prepareRate,
  prepareRegisterListing,
  prepareWithdraw,
} from "../lib/chain/contracts";
import { deployPlatformContracts } from "../lib/chain/deploy";
import { anvilAccounts } from "../lib/chain/dev-accounts";
import { startAnvil } from "../lib/chain/local-chain";

const anvil = await startAnvil({ port: 20_000 + Math.floor(Math.random() * 20_000), chainId: 31337 });
try {
  const config = await deployPlatformContracts({
    rpcUrl: anvil.rpcUrl,
    chainId: 31337,
    deployerKey: anvilAccounts[0].privateKey,
    feeBps: 500,
  });
  const client = thirdwebClient();
  const [, creator, buyer, cofounder] = anvilAccounts.map((a) =>
    privateKeyToAccount({ client, privateKey: a.privateKey }),
  );
  const market = marketplaceContract(config);
  const reputation = reputationContract(config);
  const price = 10n ** 15n;
  const gas = async (
    account: typeof creator,
    transaction: Parameters<typeof sendAndConfirmTransaction>[0]["transaction"],
  ) => {
    const receipt = await sendAndConfirmTransaction({ account: account!, transaction });
    if (receipt.status !== "success") throw new Error("transaction reverted");
    return receipt;
  };

  const transfer = await gas(
    buyer,
    prepareTransaction({ client, chain: chainOf(config), to: cofounder!.address, value: 1n }),
  );
  const register = await gas(
    creator,
    prepareRegisterListing(market, {
      token: NATIVE_TOKEN,
      pricePerRun: price,
      payees: [
        { account: creator!.address as `0x${string}`, shareBps: 8_000 },
        { account: cofounder!.address as `0x${string}`, shareBps: 2_000 },
      ],
    }),
  );
  const listingId = BigInt(register.logs[0]!.topics[1]!);
  const first = await gas(
    buyer,
    preparePurchase(market, { listingId, runs: 10n, value: 10n * price, maxTotal: 10n * price }),
  );
  const repeat = await gas(
    buyer,
    preparePurchase(market, { listingId, runs: 10n, value: 10n * price, maxTotal: 10n * price }),
  );
  const third = await gas(buyer, preparePurchase(market, { listingId, runs: 1n, value: price, maxTotal: price }));
  const withdraw = await gas(creator, prepareWithdraw(market, { token: NATIVE_TOKEN }));
  const purchaseOf = (r: typeof first) => BigInt(r.logs.at(-1)!.topics[1]!);
  // Ratings are recorded in a bitmap of 256 purchases per storage word and a counter per
  // agent. The very first rating on the platform creates both; a first rating of a new
  // agent usually finds its bitmap word in use (purchases are numbered platform-wide).
  const rateFirstEver = await gas(buyer, prepareRate(reputation, { purchaseId: purchaseOf(first), score: 5 }));
  const other = await gas(
    creator,
    prepareRegisterListing(market, {
      token: NATIVE_TOKEN,
      pricePerRun: price,
      payees: [{ account: cofounder!.address as `0x${string}`, shareBps: 10_000 }],
    }),
  );
  const otherListing = BigInt(other.logs[0]!.topics[1]!);
  const otherPurchase = await gas(
    buyer,
    preparePurchase(market, { listingId: otherListing, runs: 1n, value: price, maxTotal: price }),
  );
  const rateFirst = await gas(buyer, prepareRate(reputation, { purchaseId: purchaseOf(otherPurchase), score: 3 }));
  const rateRepeat = await gas(buyer, prepareRate(reputation, { purchaseId: purchaseOf(repeat), score: 4 }));
  void third;

  const anchors = { transfer: 21_000n, splits: 21_000n + 57_390n, withdraw: 40_000n, rate: 60_000n, erc8004: 220_000n };
  const rows: [string, bigint, string][] = [
    ["plain ETH transfer (baseline, this run)", transfer.gasUsed, `anchor ${anchors.transfer}`],
    ["registerListing (2 payees)", register.gasUsed, ""],
    ["purchase, first (2 payees + fee)", first.gasUsed, `0xSplits pay+distribute ≈ ${anchors.splits}`],
    [
      "purchase, repeat (2 payees + fee)",
      repeat.gasUsed,
      `target ≤ ${anchors.splits}: ${repeat.gasUsed <= anchors.splits ? "met" : "NOT met"}`,
    ],
    [
      "withdraw (native)",
      withdraw.gasUsed,
      `target ≤ ${anchors.withdraw}: ${withdraw.gasUsed <= anchors.withdraw ? "met" : "NOT met"}`,
    ],
    [
      "rate, first rating on the platform",
      rateFirstEver.gasUsed,
      "two new storage slots (bitmap word and agent counter)",
    ],
    [
      "rate, first rating of an agent",
      rateFirst.gasUsed,
      `target ≤ ${anchors.rate}: ${rateFirst.gasUsed <= anchors.rate ? "met" : "NOT met"}`,
    ],
    [
      "rate, later rating",
      rateRepeat.gasUsed,
      `target ≤ ${anchors.rate}: ${rateRepeat.gasUsed <= anchors.rate ? "met" : "NOT met"}; ERC-8004 giveFeedback ≈ ${anchors.erc8004}`,
    ],
  ];
  console.log("gas benchmark (receipt gasUsed, anvil, solc 0.8.30, optimizer 10,000 runs)");
  for (const [name, used, note] of rows) {
    const ratio = Number(used) / Number(transfer.gasUsed);
    console.log(`${name.padEnd(40)}${used.toString().padStart(8)}  ${ratio.toFixed(2)}x transfer  ${note}`);
  }
  console.log("reproduce: npm run bench:gas");
} finally {
  await anvil.stop();
}
