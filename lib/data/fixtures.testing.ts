import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { createAuditEntry } from "@/db/queries/audit-log";
import { createExecution } from "@/db/queries/executions.testing";
import { createKnowledgeDocument } from "@/db/queries/knowledge";
import { createOrganization } from "@/db/queries/organizations";
import { recordPurchaseEvent, setAgentListing } from "@/db/queries/purchases";
import { recordRatingEvent } from "@/db/queries/ratings";
import { createUser } from "@/db/queries/users";
import { createWallet } from "@/db/queries/wallets";
import { doublerSpec, publishedAgent } from "@/lib/api/fixtures.testing";

/**
 * A creator who also buys and rates: a wallet, an organisation, a published agent with a
 * knowledge document, a playground run, a purchase by the wallet, an on-chain rating with a
 * review, an audit entry. Its email and name are unique, so a scan can look for them.
 */
export async function accountWithEverything(db: Db) {
  const tag = randomUUID().slice(0, 8);
  const email = `export-${tag}@example.com`;
  const name = `Exporter ${tag}`;
  const user = await createUser(db, { email, name, passwordHash: "scrypt$secret-hash-value" });
  const address = `0x${randomUUID().replace(/-/g, "").padEnd(40, "a").slice(0, 40)}`;
  await createWallet(db, { userId: user.id, address });
  const org = await db.transaction((tx) =>
    createOrganization(tx, { name: `Org of ${name}`, slug: `x-${randomUUID()}`, userId: user.id }),
  );
  const agent = await publishedAgent(db, user.id, doublerSpec);
  await createKnowledgeDocument(db, {
    agentId: agent.id,
    title: "Pricing notes",
    format: "text",
    bytes: 22,
    chunks: ["Our prices are ", "in EUR."],
  });
  await createExecution(db, {
    agentId: agent.id,
    versionId: agent.versionId,
    source: "playground",
    userId: user.id,
    input: { n: 21, note: `my playground input, ${email}` },
    inputHash: "h",
    startedAt: new Date(),
  });
  const listingId = BigInt(Math.floor(Math.random() * 1e9));
  await setAgentListing(db, { agentId: agent.id, ownerId: user.id, chainId: 31337, listingId });
  const txHash = `0x${randomUUID().replace(/-/g, "").repeat(2)}`;
  await db.transaction((tx) =>
    recordPurchaseEvent(tx, {
      chainId: 31337,
      txHash,
      logIndex: 0,
      blockNumber: 1n,
      purchaseId: 1n,
      listingId,
      buyer: address,
      runs: 5n,
      amount: 500n,
      token: "0x0000000000000000000000000000000000000000",
    }),
  );
  const ratingTx = `0x${randomUUID().replace(/-/g, "").repeat(2)}`;
  await db.transaction((tx) =>
    recordRatingEvent(tx, {
      chainId: 31337,
      txHash: ratingTx,
      logIndex: 0,
      blockNumber: 2n,
      listingId,
      purchaseId: 1n,
      rater: address,
      score: 5,
    }),
  );
  await createAuditEntry(db, { actorUserId: user.id, action: "agent.created", targetId: agent.id });
  return { user, email, name, address, org, agent, ratingTx, session: { id: user.id, name, email } };
}
