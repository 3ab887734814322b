/**
 * Integration: deploys the contracts through thirdweb to a fresh anvil, then registers,
 * buys, indexes the Purchased event (twice and concurrently: credits granted once),
 * withdraws (indexed once, shown as the creator's earnings) and rates — against PGlite and
 * Postgres.
 */
import { randomUUID } from "node:crypto";
import { sendAndConfirmTransaction } from "thirdweb";
import { eth_getBalance, getRpcClient } from "thirdweb/rpc";
import { privateKeyToAccount } from "thirdweb/wallets";
import { eq, sql } from "drizzle-orm";
import { auditLog, ratings, withdrawals } from "@/db/schema";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "@/db/client";
import { createAgent, getPublishedAgentBySlug, listPublishedAgents } from "@/db/queries/agents";
import { createOrganization, listOrganizationsForUser } from "@/db/queries/organizations";
import { getUserByWallet } from "@/db/queries/users";
import { seedDemoChainData } from "@/scripts/seed/demo-chain";
import { seedDemoData } from "@/scripts/seed/seed";
import {
  attachListingPurchases,
  countQuarantinedEvents,
  getCreditBalance,
  setAgentListing,
} from "@/db/queries/purchases";
import { createUser } from "@/db/queries/users";
import { createWallet } from "@/db/queries/wallets";
import { testBackends } from "@/db/testing";
import { chainOf, marketplaceContract, reputationContract, thirdwebClient } from "./client";
import type { ChainConfig } from "./config";
import {
  NATIVE_TOKEN,
  preparePurchase,
  prepareRate,
  prepareRegisterListing,
  prepareUpdateListing,
  prepareWithdraw,
  prepareAttest,
  readBalance,
  readRating,
  readStats,
} from "./contracts";
import { deployPlatformContracts } from "./deploy";
import { platformSettings, setListingSuspendedOnChain, setPlatformFee } from "./platform-owner";
import { env } from "@/lib/env";
import { anvilAccounts } from "./dev-accounts";
import { toChainError } from "./errors";
import { readRegisteredListing } from "./listing-receipt";
import { indexPurchases, indexRatings, indexWithdrawals, revertReorganisedBlocks } from "./indexer";
import { creatorEarnings } from "@/lib/dashboards/earnings";
import { readRatingEvent } from "./rating-receipt";
import { addRatingReview, listAgentReviews } from "@/db/queries/ratings";
import { startAnvil, type LocalChain } from "./local-chain";

const PRICE = 10n ** 15n;
let anvil: LocalChain;
let config: ChainConfig;
const client = thirdwebClient();
const [platform, creator, buyer, cofounder] = anvilAccounts.map((a) =>
  privateKeyToAccount({ client, privateKey: a.privateKey }),
);

beforeAll(async () => {
  anvil = await startAnvil({ port: 20_000 + Math.floor(Math.random() * 20_000), chainId: 31337 });
  config = await deployPlatformContracts({
    rpcUrl: anvil.rpcUrl,
    chainId: 31337,
    deployerKey: anvilAccounts[0].privateKey,
    feeBps: 500,
  });
}, 60_000);
afterAll(() => anvil?.stop());

describe.each(await testBackends())("chain integration on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  test("register → purchase → index twice → withdraw → rate", async () => {
    const market = marketplaceContract(config);
    const reputation = reputationContract(config);
    // The buyer's account and organisation, and the creator's agent, in the database.
    const buyerUser = await createUser(handle.db, {
      email: `${randomUUID()}@example.com`,
      name: "Buyer",
      passwordHash: null,
    });
    await createWallet(handle.db, { userId: buyerUser.id, address: buyer!.address });
    const org = await handle.db.transaction((tx) =>
      createOrganization(tx, { name: "Buyer Co", slug: `b-${randomUUID()}`, userId: buyerUser.id }),
    );
    const creatorUser = await createUser(handle.db, {
      email: `${randomUUID()}@example.com`,
      name: "Creator",
      passwordHash: null,
    });
    const agent = await createAgent(handle.db, {
      ownerId: creatorUser.id,
      slug: `a-${randomUUID()}`,
      name: "A",
      description: "",
      category: "data",
      tags: [],
    });

    const registered = await sendAndConfirmTransaction({
      account: creator!,
      transaction: prepareRegisterListing(market, {
        token: NATIVE_TOKEN,
        pricePerRun: PRICE,
        payees: [
          { account: creator!.address as `0x${string}`, shareBps: 8_000 },
          { account: cofounder!.address as `0x${string}`, shareBps: 2_000 },
        ],
      }),
    });
    expect(registered.status).toBe("success");
    const listingId = BigInt(registered.logs[0]!.topics[1]!);
    await setAgentListing(handle.db, { agentId: agent.id, ownerId: creatorUser.id, chainId: 31337, listingId });

    const bought = await sendAndConfirmTransaction({
      account: buyer!,
      transaction: preparePurchase(market, { listingId, runs: 10n, value: 10n * PRICE, maxTotal: 10n * PRICE }),
    });
    expect(bought.status).toBe("success");

    const first = await indexPurchases(handle.db, config, {
      toBlock: bought.blockNumber,
      fromBlock: config.startBlock,
    });
    const again = await indexPurchases(handle.db, config, {
      toBlock: bought.blockNumber,
      fromBlock: config.startBlock,
    });
    const overlapping = await Promise.all([
      indexPurchases(handle.db, config, { toBlock: bought.blockNumber, fromBlock: config.startBlock }),
      indexPurchases(handle.db, config, { toBlock: bought.blockNumber, fromBlock: config.startBlock }),
    ]);
    expect(first.creditsGranted).toBe(10);
    expect(again).toMatchObject({ recorded: 0, creditsGranted: 0 });
    expect(overlapping.map((r) => r.creditsGranted)).toEqual([0, 0]);
    expect(await getCreditBalance(handle.db, { orgId: org.id, agentId: agent.id })).toEqual({
      granted: 10,
      used: 0,
      grants: 1,
    });

    // The creator withdraws: their wallet rises by exactly their share (plus gas paid back in).
    const amount = 10n * PRICE;
    const fee = (amount * 500n) / 10_000n;
    const cofounderShare = ((amount - fee) * 2_000n) / 10_000n;
    const creatorShare = amount - fee - cofounderShare;
    expect(await readBalance(market, { token: NATIVE_TOKEN, account: creator!.address as `0x${string}` })).toBe(
      creatorShare,
    );
    const rpc = getRpcClient({ client, chain: chainOf(config) });
    const before = await eth_getBalance(rpc, { address: creator!.address });
    const withdrawn = await sendAndConfirmTransaction({
      account: creator!,
      transaction: prepareWithdraw(market, { token: NATIVE_TOKEN }),
    });
    const after = await eth_getBalance(rpc, { address: creator!.address });
    expect(after - before + withdrawn.gasUsed * withdrawn.effectiveGasPrice).toBe(creatorShare);
    // The withdrawal is indexed once, and the creator's dashboard shows it beside the (now empty) balance.
    const onlyThat = { fromBlock: withdrawn.blockNumber, toBlock: withdrawn.blockNumber };
    expect((await indexWithdrawals(handle.db, config, onlyThat)).recorded).toBe(1);
    expect((await indexWithdrawals(handle.db, config, onlyThat)).recorded).toBe(0);
    // On the trail once (under the wallet; its account, when it is linked to one).
    const withdrawalEntries = await handle.db.select().from(auditLog).where(eq(auditLog.action, "withdrawal.recorded"));
    expect(withdrawalEntries.filter((e) => e.targetId === creator!.address.toLowerCase())).toHaveLength(1);
    await createWallet(handle.db, { userId: creatorUser.id, address: creator!.address });
    expect(await creatorEarnings(handle.db, config, creatorUser.id)).toEqual({
      chain: true,
      rows: [
        {
          address: creator!.address.toLowerCase(),
          linked: true,
          token: NATIVE_TOKEN,
          symbol: "ETH",
          decimals: 18,
          claimable: "0",
          withdrawn: creatorShare.toString(),
          withdrawals: 1,
        },
      ],
    });
    expect(await creatorEarnings(handle.db, null, creatorUser.id)).toEqual({ chain: false, rows: [] });

    // The buyer rates once; the creator (not a buyer) is refused with a clear reason.
    const purchaseId = BigInt(bought.logs.at(-1)!.topics[1]!);
    const rated = await sendAndConfirmTransaction({
      account: buyer!,
      transaction: prepareRate(reputation, { purchaseId, score: 5 }),
    });
    expect(await readRating(reputation, listingId)).toEqual({ count: 1n, sum: 5n, averageX100: 500n });
    // The Rated event is indexed once, also by overlapping passes, and tied to the agent.
    const ratingPasses = await Promise.all(
      [0, 1, 2].map(() =>
        indexRatings(handle.db, config, { fromBlock: rated.blockNumber, toBlock: rated.blockNumber }),
      ),
    );
    expect(ratingPasses.reduce((n, r) => n + r.recorded, 0)).toBe(1);
    expect(await readRatingEvent(config, rated.transactionHash)).toMatchObject({
      listingId,
      purchaseId,
      score: 5,
      rater: buyer!.address,
    });
    expect(
      await addRatingReview(handle.db, {
        chainId: 31337,
        txHash: rated.transactionHash,
        userId: buyerUser.id,
        review: "Worth it.",
      }),
    ).toBe(true);
    expect(await listAgentReviews(handle.db, { agentId: agent.id })).toEqual([
      expect.objectContaining({ score: 5, review: "Worth it." }),
    ]);
    await expect(readRatingEvent(config, bought.transactionHash)).rejects.toMatchObject({ code: "INVALID_INPUT" });
    const refused = await sendAndConfirmTransaction({
      account: creator!,
      transaction: prepareRate(reputation, { purchaseId, score: 1 }),
    }).catch((e: unknown) => e);
    expect(toChainError(refused)).toMatchObject({
      code: "CONTRACT_REVERTED",
      message: "Only the wallet that paid for this purchase can rate it.",
    });
    const twice = await sendAndConfirmTransaction({
      account: buyer!,
      transaction: prepareRate(reputation, { purchaseId, score: 4 }),
    }).catch((e: unknown) => e);
    expect(toChainError(twice).message).toBe("This purchase has already been rated.");

    // The platform attests a batch of execution statistics.
    await sendAndConfirmTransaction({
      account: platform!,
      transaction: prepareAttest(reputation, {
        listingId,
        runs: 10n,
        successes: 9n,
        p50LatencyMs: 40,
        p99LatencyMs: 200,
        receiptsRoot: `0x${"ab".repeat(32)}`,
      }),
    });
    expect(await readStats(reputation, listingId)).toMatchObject({ runs: 10n, successes: 9n, batches: 1n });
  }, 120_000);

  test("the indexer never halts: 2^31 runs fit, a bad event is quarantined, late listings and reorganisations settle", async () => {
    const market = marketplaceContract(config);
    // Accounts of their own, so the other test's balances stay exact.
    const [seller, payer] = [anvilAccounts[4], anvilAccounts[5]].map((a) =>
      privateKeyToAccount({ client, privateKey: a.privateKey }),
    );
    const buyerUser = await createUser(handle.db, {
      email: `${randomUUID()}@example.com`,
      name: "B",
      passwordHash: null,
    });
    await createWallet(handle.db, { userId: buyerUser.id, address: payer!.address });
    const org = await handle.db.transaction((tx) =>
      createOrganization(tx, { name: "Big Buyer", slug: `bb-${randomUUID()}`, userId: buyerUser.id }),
    );
    const creatorUser = await createUser(handle.db, {
      email: `${randomUUID()}@example.com`,
      name: "C",
      passwordHash: null,
    });
    const newAgent = () =>
      createAgent(handle.db, {
        ownerId: creatorUser.id,
        slug: `a-${randomUUID()}`,
        name: "A",
        description: "",
        category: "data",
        tags: [],
      });
    const list = async (price: bigint) => {
      const registered = await sendAndConfirmTransaction({
        account: seller!,
        transaction: prepareRegisterListing(market, {
          token: NATIVE_TOKEN,
          pricePerRun: price,
          payees: [{ account: seller!.address as `0x${string}`, shareBps: 10_000 }],
        }),
      });
      return BigInt(registered.logs[0]!.topics[1]!);
    };
    const buy = (listingId: bigint, runs: bigint, price: bigint) =>
      sendAndConfirmTransaction({
        account: payer!,
        transaction: preparePurchase(market, { listingId, runs, value: runs * price, maxTotal: runs * price }),
      });
    const index = (toBlock: bigint) => indexPurchases(handle.db, config, { fromBlock: config.startBlock, toBlock });
    const rpc = (method: string, params: unknown[] = []) =>
      fetch(anvil.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      }).then(async (r) => ((await r.json()) as { result: unknown }).result);

    // 2^31 runs of a 1-wei listing: 64-bit columns hold them.
    const big = await newAgent();
    const bigListing = await list(1n);
    await setAgentListing(handle.db, {
      agentId: big.id,
      ownerId: creatorUser.id,
      chainId: 31337,
      listingId: bigListing,
    });
    const huge = await buy(bigListing, 2n ** 31n, 1n);
    await index(huge.blockNumber);
    expect(await getCreditBalance(handle.db, { orgId: org.id, agentId: big.id })).toMatchObject({ granted: 2 ** 31 });

    // An event the database refuses is quarantined with its reason; the next purchase is still credited.
    const bad = await newAgent();
    const badListing = await list(1n);
    await setAgentListing(handle.db, {
      agentId: bad.id,
      ownerId: creatorUser.id,
      chainId: 31337,
      listingId: badListing,
    });
    await handle.db.execute(
      sql.raw(`create or replace function refuse_test_purchase() returns trigger language plpgsql as $$
        begin if new.listing_id = ${badListing} then raise exception 'refused by the test'; end if; return new; end $$`),
    );
    await handle.db.execute(sql.raw(`drop trigger if exists refuse_test_purchase on purchases`));
    await handle.db.execute(
      sql.raw(
        `create trigger refuse_test_purchase before insert on purchases for each row execute function refuse_test_purchase()`,
      ),
    );
    const quarantinedBefore = await countQuarantinedEvents(handle.db);
    await buy(badListing, 3n, 1n);
    const good = await buy(bigListing, 5n, 1n);
    const pass = await index(good.blockNumber);
    // Read from block 0 (the first pass on a fresh local chain): every purchase in the range is seen.
    expect(pass.events).toBeGreaterThanOrEqual(3);
    expect(pass.quarantined).toBe(1);
    expect(await countQuarantinedEvents(handle.db)).toBe(quarantinedBefore + 1);
    expect(await getCreditBalance(handle.db, { orgId: org.id, agentId: big.id })).toMatchObject({
      granted: 2 ** 31 + 5,
    });
    expect(await getCreditBalance(handle.db, { orgId: org.id, agentId: bad.id })).toMatchObject({ granted: 0 });
    await handle.db.execute(sql.raw(`drop trigger refuse_test_purchase on purchases`));

    // A purchase indexed before its listing is confirmed gets its credits when it is.
    const late = await newAgent();
    const lateListing = await list(2n);
    const early = await buy(lateListing, 4n, 2n);
    await index(early.blockNumber);
    expect(await getCreditBalance(handle.db, { orgId: org.id, agentId: late.id })).toMatchObject({ granted: 0 });
    await handle.db.transaction(async (tx) => {
      await setAgentListing(tx, { agentId: late.id, ownerId: creatorUser.id, chainId: 31337, listingId: lateListing });
      expect(await attachListingPurchases(tx, { chainId: 31337, listingId: lateListing, agentId: late.id })).toBe(4);
    });
    expect(await getCreditBalance(handle.db, { orgId: org.id, agentId: late.id })).toMatchObject({ granted: 4 });

    // A reorganisation that removes a purchase and its rating takes the credits and the rating back.
    const snapshot = await rpc("evm_snapshot");
    const doomed = await buy(lateListing, 6n, 2n);
    await index(doomed.blockNumber);
    expect(await getCreditBalance(handle.db, { orgId: org.id, agentId: late.id })).toMatchObject({ granted: 10 });
    const doomedRating = await sendAndConfirmTransaction({
      account: payer!,
      transaction: prepareRate(reputationContract(config), {
        purchaseId: BigInt(doomed.logs.at(-1)!.topics[1]!),
        score: 5,
      }),
    });
    await indexRatings(handle.db, config, { fromBlock: doomed.blockNumber, toBlock: doomedRating.blockNumber });
    const lateRatings = () => handle.db.select().from(ratings).where(eq(ratings.agentId, late.id));
    expect(await lateRatings()).toHaveLength(1);
    const doomedWithdrawal = await sendAndConfirmTransaction({
      account: seller!,
      transaction: prepareWithdraw(marketplaceContract(config), { token: NATIVE_TOKEN }),
    });
    const onlyThat = { fromBlock: doomedWithdrawal.blockNumber, toBlock: doomedWithdrawal.blockNumber };
    expect((await indexWithdrawals(handle.db, config, onlyThat)).recorded).toBe(1);
    const sellerWithdrawals = () =>
      handle.db.select().from(withdrawals).where(eq(withdrawals.account, seller!.address.toLowerCase()));
    expect(await sellerWithdrawals()).toHaveLength(1);
    await rpc("evm_revert", [snapshot]);
    await rpc("anvil_mine", ["0x4"]); // the new chain grows past the removed blocks, with other hashes
    expect(await revertReorganisedBlocks(handle.db, config)).toEqual({ purchases: 1, ratings: 1, withdrawals: 1 });
    expect(await getCreditBalance(handle.db, { orgId: org.id, agentId: late.id })).toMatchObject({ granted: 4 });
    expect(await lateRatings()).toHaveLength(0);
    expect(await sellerWithdrawals()).toHaveLength(0);
    expect(await revertReorganisedBlocks(handle.db, config)).toEqual({ purchases: 0, ratings: 0, withdrawals: 0 });
  }, 120_000);
});

test("an unreachable RPC is CHAIN_UNAVAILABLE", async () => {
  const [pglite] = await testBackends();
  const handle = await pglite!.open();
  const down: ChainConfig = { ...config, rpcUrl: "http://127.0.0.1:9" };
  await expect(indexPurchases(handle.db, down)).rejects.toMatchObject({ code: "CHAIN_UNAVAILABLE" });
  await handle.close();
});

test("a listing is read from its registration receipt; other transactions are refused", async () => {
  const market = marketplaceContract(config);
  const registered = await sendAndConfirmTransaction({
    account: creator!,
    transaction: prepareRegisterListing(market, {
      token: NATIVE_TOKEN,
      pricePerRun: 7n,
      payees: [{ account: creator!.address as `0x${string}`, shareBps: 10_000 }],
    }),
  });
  const listing = await readRegisteredListing(config, registered.transactionHash);
  expect(listing).toEqual({
    listingId: BigInt(registered.logs[0]!.topics[1]!),
    creator: creator!.address.toLowerCase(),
    pricePerRun: 7n,
  });
  const bought = await sendAndConfirmTransaction({
    account: buyer!,
    transaction: preparePurchase(market, { listingId: listing.listingId, runs: 1n, value: 7n, maxTotal: 7n }),
  });
  await expect(readRegisteredListing(config, bought.transactionHash)).rejects.toMatchObject({ code: "INVALID_INPUT" });
  await expect(readRegisteredListing(config, `0x${"12".repeat(32)}`)).rejects.toMatchObject({ code: "NOT_FOUND" });

  // The creator raises the price while a buyer's purchase at the old total is pending: it reverts, nothing is charged.
  await sendAndConfirmTransaction({
    account: creator!,
    transaction: prepareUpdateListing(market, {
      listingId: listing.listingId,
      pricePerRun: 70n,
      payees: [{ account: creator!.address as `0x${string}`, shareBps: 10_000 }],
      active: true,
    }),
  });
  const raised = await sendAndConfirmTransaction({
    account: buyer!,
    transaction: preparePurchase(market, { listingId: listing.listingId, runs: 1n, value: 70n, maxTotal: 7n }),
  }).catch((e: unknown) => e);
  expect(toChainError(raised)).toMatchObject({
    code: "CONTRACT_REVERTED",
    message: expect.stringContaining("The price went up since you agreed to it"),
  });
});

test("the demo chain data lists the demo agents and records purchases, credits and ratings", async () => {
  const [pglite] = await testBackends();
  const handle = await pglite!.open();
  try {
    await seedDemoData(handle.db);
    expect(await seedDemoChainData(handle.db, config)).toEqual({ listed: 5, purchases: 3 });
    const csv = await getPublishedAgentBySlug(handle.db, { slug: "csv-stats" });
    expect(csv?.listingId).toBeTruthy();
    expect(await readRating(reputationContract(config), BigInt(csv!.listingId!))).toMatchObject({
      count: 1n,
      averageX100: 500n,
    });
    const buyer = await getUserByWallet(handle.db, { address: anvilAccounts[5].address });
    const [org] = await listOrganizationsForUser(handle.db, { userId: buyer!.id });
    expect(await getCreditBalance(handle.db, { orgId: org!.id, agentId: csv!.id })).toMatchObject({
      granted: 20,
      used: 0,
    });
    expect(await listAgentReviews(handle.db, { agentId: csv!.id })).toEqual([
      expect.objectContaining({ score: 5, reviewerName: "Demo Buyer" }),
    ]);
    // Paid ratings lift an agent above the unrated ones (the ranking weighs what was paid).
    const ranked = await listPublishedAgents(handle.db, { sort: "reputation" });
    expect(ranked.find((a) => a.id === csv!.id)).toMatchObject({ ratingCount: 1, ratingAverage: 5 });
    expect(ranked[0]!.ratingCount).toBeGreaterThan(0);
  } finally {
    await handle.close();
  }
}, 60_000);

test("the platform fee is read on-chain and set through the owner's function; past the cap, or with a key that is not the owner's, it is refused", async () => {
  const before = await platformSettings(config);
  expect(before).toMatchObject({ feeBps: 500, maxFeeBps: 1000, paused: false, ownerKeyHeld: true });
  expect(before.owner.toLowerCase()).toBe(platform!.address.toLowerCase());
  await expect(setPlatformFee(config, 1001)).rejects.toMatchObject({ code: "INVALID_INPUT" });
  const changed = await setPlatformFee(config, 250);
  expect(changed).toMatchObject({ from: 500, to: 250, txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
  expect((await platformSettings(config)).feeBps).toBe(250);
  const saved = env.MARKETPLACE_OWNER_PRIVATE_KEY;
  env.MARKETPLACE_OWNER_PRIVATE_KEY = anvilAccounts[3].privateKey;
  try {
    expect((await platformSettings(config)).ownerKeyHeld).toBe(false);
    await expect(setPlatformFee(config, 100)).rejects.toMatchObject({ code: "FORBIDDEN" });
  } finally {
    env.MARKETPLACE_OWNER_PRIVATE_KEY = saved;
  }
  await setPlatformFee(config, 500);
  expect((await platformSettings(config)).feeBps).toBe(500);
});

test("an unlisted agent's listing is suspended on-chain: nobody can buy it, even calling the contract; lifted, it sells again", async () => {
  const market = marketplaceContract(config);
  const registered = await sendAndConfirmTransaction({
    account: creator!,
    transaction: prepareRegisterListing(market, {
      token: NATIVE_TOKEN,
      pricePerRun: PRICE,
      payees: [{ account: creator!.address as `0x${string}`, shareBps: 10_000 }],
    }),
  });
  const listingId = BigInt(registered.logs[0]!.topics[1]!);
  const buy = () =>
    sendAndConfirmTransaction({
      account: buyer!,
      transaction: preparePurchase(market, { listingId, runs: 1n, value: PRICE, maxTotal: PRICE }),
    });
  expect(await setListingSuspendedOnChain(config, listingId, true)).toMatchObject({
    txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
  });
  // Already suspended: nothing is sent.
  expect(await setListingSuspendedOnChain(config, listingId, true)).toBeNull();
  await expect(buy()).rejects.toThrow(/ListingInactive|revert/i);
  expect(await setListingSuspendedOnChain(config, listingId, false)).not.toBeNull();
  expect((await buy()).status).toBe("success");
});
