import { sendAndConfirmTransaction } from "thirdweb";
import { privateKeyToAccount } from "thirdweb/wallets";
import type { Db } from "@/db/client";
import { createOrganization } from "@/db/queries/organizations";
import { recordPurchaseEvent, setAgentListing } from "@/db/queries/purchases";
import { addRatingReview, recordRatingEvent } from "@/db/queries/ratings";
import { createUser, getUserByWallet, getUserCredentialsByEmail } from "@/db/queries/users";
import { createWallet } from "@/db/queries/wallets";
import { listAgentsForOwner } from "@/db/queries/agents";
import { marketplaceContract, reputationContract, thirdwebClient } from "@/lib/chain/client";
import type { ChainConfig } from "@/lib/chain/config";
import { NATIVE_TOKEN, preparePurchase, prepareRate, prepareRegisterListing } from "@/lib/chain/contracts";
import { anvilAccounts } from "@/lib/chain/dev-accounts";
import { readPurchaseEvent } from "@/lib/chain/purchase-receipt";
import { readRatingEvent } from "@/lib/chain/rating-receipt";
import { DEMO_CREATOR_EMAIL } from "./seed";
import { demoAgents } from "./demo-agents";

export const DEMO_BUYER_EMAIL = "demo-buyer@ainomads.invalid";

/** Demo purchases, ratings and reviews: [agent slug, runs, score, review]. */
const demoPurchases: [string, number, number, string][] = [
  ["csv-stats", 20, 5, "Summarised our monthly exports in one call; the per-column stats match what we get in pandas."],
  ["json-schema-validator", 5, 4, "Catches every schema violation we fed it. Error paths could be friendlier."],
  ["entity-extractor", 12, 5, "Good recall on company and person names in support tickets."],
];

/**
 * On a freshly deployed local chain: lists the demo agents from the demo creator's wallet
 * (anvil account #4), and has a demo buyer (account #5, organisation "Demo Buyer Co")
 * buy and rate a few of them, so a new install shows listings, purchases, ratings and
 * earnings. Sign in with those accounts' keys (README) to see both sides.
 */
export async function seedDemoChainData(db: Db, config: ChainConfig): Promise<{ listed: number; purchases: number }> {
  const creatorUser = await getUserCredentialsByEmail(db, { email: DEMO_CREATOR_EMAIL });
  if (!creatorUser) return { listed: 0, purchases: 0 };
  const client = thirdwebClient();
  const creatorKey = anvilAccounts[4];
  const buyerKey = anvilAccounts[5];
  const creator = privateKeyToAccount({ client, privateKey: creatorKey.privateKey });
  const buyer = privateKeyToAccount({ client, privateKey: buyerKey.privateKey });

  if (!(await getUserByWallet(db, { address: creatorKey.address }))) {
    await createWallet(db, { userId: creatorUser.id, address: creatorKey.address });
  }
  let buyerUser = await getUserCredentialsByEmail(db, { email: DEMO_BUYER_EMAIL });
  if (!buyerUser) {
    buyerUser = {
      ...(await createUser(db, { email: DEMO_BUYER_EMAIL, name: "Demo Buyer", passwordHash: null })),
      passwordHash: null,
      sessionVersion: 0,
      suspendedReason: null,
    };
    await createWallet(db, { userId: buyerUser.id, address: buyerKey.address });
  }
  const org = await db.transaction((tx) =>
    createOrganization(tx, { name: "Demo Buyer Co", slug: `demo-buyer-co-${Date.now()}`, userId: buyerUser.id }),
  );

  const market = marketplaceContract(config);
  const reputation = reputationContract(config);
  const agents = await listAgentsForOwner(db, { ownerId: creatorUser.id });
  const listings = new Map<string, bigint>();
  for (const demo of demoAgents) {
    const agent = agents.find((a) => a.slug === demo.slug);
    if (!agent) continue;
    const receipt = await sendAndConfirmTransaction({
      account: creator,
      transaction: prepareRegisterListing(market, {
        token: NATIVE_TOKEN,
        pricePerRun: BigInt(demo.priceWei),
        payees: [{ account: creatorKey.address, shareBps: 10_000 }],
      }),
    });
    const listingId = BigInt(receipt.logs[0]!.topics[1]!);
    await setAgentListing(db, { agentId: agent.id, ownerId: creatorUser.id, chainId: config.chainId, listingId });
    listings.set(demo.slug, listingId);
  }

  let purchases = 0;
  for (const [slug, runs, score, review] of demoPurchases) {
    const listingId = listings.get(slug);
    const demo = demoAgents.find((a) => a.slug === slug);
    if (!listingId || !demo) continue;
    const receipt = await sendAndConfirmTransaction({
      account: buyer,
      transaction: preparePurchase(market, {
        listingId,
        runs: BigInt(runs),
        value: BigInt(demo.priceWei) * BigInt(runs),
        maxTotal: BigInt(demo.priceWei) * BigInt(runs),
      }),
    });
    const event = await readPurchaseEvent(config, receipt.transactionHash);
    await db.transaction((tx) => recordPurchaseEvent(tx, event, org.id));
    const rated = await sendAndConfirmTransaction({
      account: buyer,
      transaction: prepareRate(reputation, { purchaseId: event.purchaseId, score }),
    });
    await recordRatingEvent(db, await readRatingEvent(config, rated.transactionHash));
    await addRatingReview(db, { chainId: config.chainId, txHash: rated.transactionHash, userId: buyerUser.id, review });
    purchases++;
  }
  return { listed: listings.size, purchases };
}
