/**
 * The galaxy's data on a real database: published agents only, runs of the last days from
 * the rollups, average ratings, and links weighted by how many organisations bought both
 * agents; a creator's galaxy holds only their own agents and the links among them.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "@/db/client";
import { testBackends } from "@/db/testing";
import { agentRunRollups, purchases, ratings } from "@/db/schema";
import { doublerSpec, orgWithKey, publishedAgent } from "@/lib/api/fixtures.testing";
import { createAgent } from "./agents";
import { createUser } from "./users";
import { galaxyData } from "./galaxy";

const SINCE = new Date("2026-11-01T00:00:00Z");

describe.each(await testBackends())("galaxy data on $name", (backend) => {
  let handle: DbHandle;
  let creator: { id: string };
  let a: { id: string; versionId: string };
  let b: { id: string; versionId: string };
  let d: { id: string; versionId: string };
  let draftId: string;
  let event = 0;

  async function buy(orgId: string, agentId: string) {
    event++;
    await handle.db.insert(purchases).values({
      chainId: 31337,
      txHash: `0x${event.toString(16).padStart(64, "0")}`,
      logIndex: 0,
      blockNumber: BigInt(event),
      onchainPurchaseId: String(event),
      listingId: "1",
      agentId,
      orgId,
      buyerAddress: "0x0000000000000000000000000000000000000001",
      runs: 5,
      amountWei: "5000",
      token: "0x0000000000000000000000000000000000000000",
    });
    return String(event);
  }

  async function rate(agentId: string, purchaseId: string, score: number) {
    event++;
    await handle.db.insert(ratings).values({
      chainId: 31337,
      txHash: `0x${event.toString(16).padStart(64, "0")}`,
      logIndex: 0,
      blockNumber: BigInt(event),
      listingId: "1",
      onchainPurchaseId: purchaseId,
      agentId,
      raterAddress: "0x0000000000000000000000000000000000000001",
      score,
    });
  }

  async function ran(agent: { id: string; versionId: string }, hour: string, runs: number) {
    await handle.db.insert(agentRunRollups).values({
      agentId: agent.id,
      versionId: agent.versionId,
      hour: new Date(hour),
      runs,
      succeeded: runs,
      failed: 0,
      timedOut: 0,
      creditsUsed: runs,
      durationMsSum: runs * 10,
      tokensIn: 0,
      tokensOut: 0,
    });
  }

  beforeAll(async () => {
    handle = await backend.open();
    creator = await createUser(handle.db, { email: `${randomUUID()}@example.com`, name: "C", passwordHash: null });
    const stranger = await createUser(handle.db, {
      email: `${randomUUID()}@example.com`,
      name: "S",
      passwordHash: null,
    });
    a = await publishedAgent(handle.db, creator.id, doublerSpec);
    b = await publishedAgent(handle.db, creator.id, doublerSpec);
    d = await publishedAgent(handle.db, stranger.id, doublerSpec);
    draftId = (
      await createAgent(handle.db, {
        ownerId: creator.id,
        slug: `draft-${randomUUID().slice(0, 8)}`,
        name: "Draft",
        description: "",
        category: "writing",
        tags: [],
      })
    ).id;
    const x = await orgWithKey(handle.db, [a.id]);
    const y = await orgWithKey(handle.db, [a.id]);
    const z = await orgWithKey(handle.db, [d.id]);
    // x bought a (twice) and b; y bought a, b and d; z bought d only.
    const ax = await buy(x.org.id, a.id);
    await buy(x.org.id, a.id);
    await buy(x.org.id, b.id);
    const ay = await buy(y.org.id, a.id);
    await buy(y.org.id, b.id);
    await buy(y.org.id, d.id);
    await buy(z.org.id, d.id);
    await rate(a.id, ax, 5);
    await rate(a.id, ay, 2);
    await ran(a, "2026-11-10T10:00:00Z", 7);
    await ran(a, "2026-11-11T10:00:00Z", 3);
    await ran(a, "2026-10-01T10:00:00Z", 100); // before the window
    await ran(d, "2026-11-12T10:00:00Z", 20);
  });
  afterAll(() => handle?.close());

  const mine = (ids: string[]) => (agent: { id: string }) => ids.includes(agent.id);

  test("public: published agents with runs since the window, ratings, and links weighted by organisations", async () => {
    const { agents, links } = await galaxyData(handle.db, { since: SINCE, maxAgents: 100, maxLinks: 100 });
    const ours = agents.filter(mine([a.id, b.id, d.id, draftId]));
    expect(ours.map((g) => [g.id, g.runs, g.rating, g.ratingCount])).toEqual([
      [d.id, 20, null, 0],
      [a.id, 10, 3.5, 2],
      [b.id, 0, null, 0],
    ]);
    const ourLinks = links.filter((l) => [a.id, b.id, d.id].includes(l.source));
    const pair = (p: string, q: string) => (p < q ? [p, q] : [q, p]);
    expect(ourLinks.map((l) => [l.source, l.target, l.weight])).toEqual(
      expect.arrayContaining([
        [...pair(a.id, b.id), 2],
        [...pair(a.id, d.id), 1],
        [...pair(b.id, d.id), 1],
      ]),
    );
    expect(ourLinks).toHaveLength(3);
  });

  test("a creator's galaxy holds only their own agents and the links among them", async () => {
    const { agents, links } = await galaxyData(handle.db, {
      ownerId: creator.id,
      since: SINCE,
      maxAgents: 100,
      maxLinks: 100,
    });
    expect(agents.map((g) => g.id)).toEqual([a.id, b.id]);
    expect(links).toEqual([{ source: a.id < b.id ? a.id : b.id, target: a.id < b.id ? b.id : a.id, weight: 2 }]);
  });

  test("the caps hold: the busiest agents and the heaviest links first", async () => {
    const { agents, links } = await galaxyData(handle.db, { since: SINCE, maxAgents: 1, maxLinks: 1 });
    expect(agents).toHaveLength(1);
    expect(links).toEqual([]);
    const two = await galaxyData(handle.db, { ownerId: creator.id, since: SINCE, maxAgents: 2, maxLinks: 1 });
    expect(two.links[0]!.weight).toBe(2);
  });
});
