import { and, eq } from "drizzle-orm";
import { auditLog } from "../schema";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "../client";
import { testBackends } from "../testing";
import { createAgent, getAgentRatingSummary, listPublishedAgents, publishAgentVersion } from "./agents";
import { createExecution } from "./executions.testing";
import { recordPurchaseEvent, setAgentListing } from "./purchases";
import { addRatingReview, listAgentReviews, recordRatingEvent, type RatingEvent } from "./ratings";
import { createUser } from "./users";
import { createWallet } from "./wallets";

const hex = (bytes: number) => `0x${randomBytes(bytes).toString("hex")}`;
const CHAIN = 31337;

describe.each(await testBackends())("ratings on $name", (backend) => {
  let handle: DbHandle;
  let nextListing = BigInt(Date.now()) * 1000n;
  let nextPurchase = BigInt(Date.now()) * 1000n;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  const newUser = () =>
    createUser(handle.db, { email: `${randomUUID()}@example.com`, name: "Rater", passwordHash: null });

  async function listedAgent(ownerId: string, name: string) {
    const agent = await createAgent(handle.db, {
      ownerId,
      slug: `${name.toLowerCase().replace(/\W+/g, "-")}-${randomUUID()}`,
      name,
      description: "",
      category: "data",
      tags: [],
    });
    await handle.db.transaction((tx) =>
      publishAgentVersion(tx, {
        agentId: agent.id,
        ownerId,
        spec: {},
        specHash: "h",
        changelog: "",
        priceWei: "1",
        payees: [],
      }),
    );
    const listingId = nextListing++;
    await setAgentListing(handle.db, { agentId: agent.id, ownerId, chainId: CHAIN, listingId });
    return { ...agent, listingId };
  }

  const rating = (listingId: bigint, score: number, rater = hex(20)): RatingEvent => ({
    chainId: CHAIN,
    txHash: hex(32),
    logIndex: 0,
    blockNumber: 1n,
    listingId,
    purchaseId: nextPurchase++,
    rater,
    score,
  });

  /** A rating whose purchase paid `paidWei` (both indexed, as the chain would emit them). */
  async function paidRating(listingId: bigint, score: number, paidWei: bigint, rater = hex(20)) {
    const event = rating(listingId, score, rater);
    await handle.db.transaction((tx) =>
      recordPurchaseEvent(tx, {
        chainId: CHAIN,
        txHash: hex(32),
        logIndex: 0,
        blockNumber: 1n,
        purchaseId: event.purchaseId,
        listingId,
        buyer: rater,
        runs: 1n,
        amount: paidWei,
        token: `0x${"0".repeat(40)}`,
      }),
    );
    await recordRatingEvent(handle.db, event);
  }
  const CENT = 10n ** 16n; // 0.01 ETH

  test("a Rated event is recorded once, however often it is indexed", async () => {
    const owner = await newUser();
    const agent = await listedAgent(owner.id, `Indexed zo${randomUUID().slice(0, 8)}`);
    const event = rating(agent.listingId, 4);
    const results = await Promise.all([
      recordRatingEvent(handle.db, event),
      recordRatingEvent(handle.db, event),
      recordRatingEvent(handle.db, event),
    ]);
    expect(results.filter((r) => r.recorded)).toHaveLength(1);
    // Same purchase in another log (the contract never emits this): still one rating.
    expect(await recordRatingEvent(handle.db, { ...event, logIndex: 1 })).toEqual({ recorded: false });
    const [row] = await listPublishedAgents(handle.db, { q: agent.name }).then((rows) =>
      rows.filter((r) => r.id === agent.id),
    );
    expect(row).toMatchObject({ ratingCount: 1, ratingAverage: 4 });
    // One audit entry, however often it was seen.
    const entries = await handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "rating.recorded"), eq(auditLog.targetId, agent.id)));
    expect(entries).toHaveLength(1);
    expect(entries[0]!.metadata).toMatchObject({ score: 4, txHash: event.txHash });
  });

  test("only the rating wallet's account can add the review, once", async () => {
    const [owner, rater, stranger] = await Promise.all([newUser(), newUser(), newUser()]);
    const wallet = hex(20);
    await createWallet(handle.db, { userId: rater.id, address: wallet });
    const agent = await listedAgent(owner.id, "Reviewed");
    const event = rating(agent.listingId, 5, wallet.toUpperCase().replace("0X", "0x"));
    await recordRatingEvent(handle.db, event);
    expect(
      await addRatingReview(handle.db, { chainId: CHAIN, txHash: event.txHash, userId: stranger.id, review: "fake" }),
    ).toBe(false);
    expect(
      await addRatingReview(handle.db, {
        chainId: CHAIN,
        txHash: event.txHash.toUpperCase().replace("0X", "0x"),
        userId: rater.id,
        review: "Fast and right.",
      }),
    ).toBe(true);
    expect(
      await addRatingReview(handle.db, {
        chainId: CHAIN,
        txHash: event.txHash,
        userId: rater.id,
        review: "changed my mind",
      }),
    ).toBe(false);
    expect(await listAgentReviews(handle.db, { agentId: agent.id })).toEqual([
      expect.objectContaining({
        score: 5,
        review: "Fast and right.",
        reviewerName: "Rater",
        raterAddress: wallet.toLowerCase(),
      }),
    ]);
  });

  test("1-wei self-purchases rated 5 stars do not change the ranking of a catalogue", async () => {
    const owner = await newUser();
    const marker = `zs${randomUUID().replace(/-/g, "").slice(0, 8)}`;
    const good = await listedAgent(owner.id, `Good ${marker}`);
    const fine = await listedAgent(owner.id, `Fine ${marker}`);
    const gamed = await listedAgent(owner.id, `Gamed ${marker}`);
    for (const score of [5, 5, 4, 5]) await paidRating(good.listingId, score, CENT);
    for (const score of [4, 4, 3]) await paidRating(fine.listingId, score, CENT);
    const order = async () =>
      (await listPublishedAgents(handle.db, { q: marker, sort: "reputation" })).map((a) => a.name.split(" ")[0]);
    expect(await order()).toEqual(["Good", "Fine", "Gamed"]);
    // Its creator buys one run at 1 wei from each of 60 wallets and rates 5 stars.
    for (let i = 0; i < 60; i++) await paidRating(gamed.listingId, 5, 1n);
    expect(await order()).toEqual(["Good", "Fine", "Gamed"]);
    // Its raw average is 5, but it passes no minimum-rating filter: those ratings weigh what they paid.
    const listed = await listPublishedAgents(handle.db, { q: marker, minRating: 4 });
    expect(listed.map((a) => a.name.split(" ")[0])).toEqual(["Good"]);
    expect(await getAgentRatingSummary(handle.db, { agentId: gamed.id })).toMatchObject({
      count: 60,
      payers: 60,
      weightedAverage: 5,
      paidWei: "60",
    });
  });

  test("scores outside 1–5 are refused by the table", async () => {
    const owner = await newUser();
    const agent = await listedAgent(owner.id, "Bounds");
    await expect(recordRatingEvent(handle.db, rating(agent.listingId, 6))).rejects.toThrow();
  });

  test("the marketplace sorts by reputation and runs, and filters by minimum rating", async () => {
    const owner = await newUser();
    const marker = `zr${randomUUID().replace(/-/g, "").slice(0, 8)}`;
    const single5 = await listedAgent(owner.id, `Single ${marker}`);
    const many48 = await listedAgent(owner.id, `Many ${marker}`);
    const low = await listedAgent(owner.id, `Low ${marker}`);
    const unrated = await listedAgent(owner.id, `Unrated ${marker}`);
    await paidRating(single5.listingId, 5, CENT);
    for (const score of [5, 5, 5, 5, 4, 5, 5, 5, 4, 5]) await paidRating(many48.listingId, score, CENT);
    await paidRating(low.listingId, 2, CENT);
    await paidRating(low.listingId, 3, CENT);

    // Ten paid ratings averaging 4.8 outrank a single 5; unrated agents sit at the prior (3).
    const byReputation = await listPublishedAgents(handle.db, { q: marker, sort: "reputation" });
    expect(byReputation.map((a) => a.id)).toEqual([many48.id, single5.id, unrated.id, low.id]);
    expect(byReputation[0]).toMatchObject({ ratingCount: 10, ratingAverage: 4.8 });
    expect(byReputation[2]).toMatchObject({ ratingCount: 0, ratingAverage: null });

    const atLeast4 = await listPublishedAgents(handle.db, { q: marker, minRating: 4 });
    expect(atLeast4.map((a) => a.id).sort()).toEqual([single5.id, many48.id].sort());
    expect(await listPublishedAgents(handle.db, { q: marker, minRating: 4.5 })).toEqual([
      expect.objectContaining({ id: many48.id }),
    ]);

    // Runs: recorded API/demo executions count; the creator's playground runs do not.
    const run = (agentId: string, source: "api" | "playground") =>
      createExecution(handle.db, {
        agentId,
        versionId: null,
        source,
        input: {},
        inputHash: "h",
        startedAt: new Date(),
      });
    await Promise.all([
      run(low.id, "api"),
      run(low.id, "api"),
      run(unrated.id, "api"),
      ...Array.from({ length: 5 }, () => run(single5.id, "playground")),
    ]);
    const byRuns = await listPublishedAgents(handle.db, { q: marker, sort: "runs" });
    expect(byRuns.slice(0, 2).map((a) => [a.id, a.runs])).toEqual([
      [low.id, 2],
      [unrated.id, 1],
    ]);
    expect(byRuns.find((a) => a.id === single5.id)?.runs).toBe(0);
  });
});
