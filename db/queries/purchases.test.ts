import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "../client";
import { testBackends } from "../testing";
import { createAgent } from "./agents";
import { createOrganization } from "./organizations";
import { listAuditTrail } from "./audit-log";
import { getCreditBalance, recordPurchaseEvent, setAgentListing, type PurchaseEvent } from "./purchases";
import { createUser } from "./users";
import { createWallet } from "./wallets";

describe.each(await testBackends())("purchase recording on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  async function setup(orgCount: number) {
    const buyer = await createUser(handle.db, { email: `${randomUUID()}@example.com`, name: "b", passwordHash: null });
    const address = `0x${randomUUID().replace(/-/g, "").padEnd(40, "0").slice(0, 40)}`;
    await createWallet(handle.db, { userId: buyer.id, address });
    const orgs = [];
    for (let i = 0; i < orgCount; i++) {
      orgs.push(
        await handle.db.transaction((tx) =>
          createOrganization(tx, { name: `O${i}`, slug: `o-${randomUUID()}`, userId: buyer.id }),
        ),
      );
    }
    const creator = await createUser(handle.db, {
      email: `${randomUUID()}@example.com`,
      name: "c",
      passwordHash: null,
    });
    const agent = await createAgent(handle.db, {
      ownerId: creator.id,
      slug: `p-${randomUUID()}`,
      name: "P",
      description: "",
      category: "data",
      tags: [],
    });
    const listingId = BigInt(Math.floor(Math.random() * 1e9));
    await setAgentListing(handle.db, { agentId: agent.id, ownerId: creator.id, chainId: 31337, listingId });
    const event: PurchaseEvent = {
      chainId: 31337,
      txHash: `0x${randomUUID().replace(/-/g, "").repeat(2)}`,
      logIndex: 1,
      blockNumber: 5n,
      purchaseId: 1n,
      listingId,
      buyer: address,
      runs: 10n,
      amount: 1000n,
      token: "0x0000000000000000000000000000000000000000",
    };
    return { orgs, agent, event };
  }

  const record = (event: PurchaseEvent, orgId?: string) =>
    handle.db.transaction((tx) => recordPurchaseEvent(tx, event, orgId));

  test("a wallet with one organisation: the indexer grants its credits once", async () => {
    const { orgs, agent, event } = await setup(1);
    expect(await record(event)).toMatchObject({ recorded: true, creditsGranted: 10 });
    expect(await record(event)).toMatchObject({ recorded: false, creditsGranted: 0 });
    expect(await record(event, orgs[0]!.id)).toMatchObject({ recorded: false, creditsGranted: 0 });
    expect(await getCreditBalance(handle.db, { orgId: orgs[0]!.id, agentId: agent.id })).toMatchObject({
      granted: 10,
      grants: 1,
    });
    // On the trail once, with the organisation.
    const entries = await listAuditTrail(handle.db, { orgId: orgs[0]!.id, action: "purchase.recorded", limit: 10 });
    expect(entries).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ runs: 10 }) })]);
  });

  test("an ambiguous buyer: recorded without credits, then the chosen organisation gets them once", async () => {
    const { orgs, agent, event } = await setup(2);
    expect(await record(event)).toMatchObject({ recorded: true, creditsGranted: 0 });
    const [first, second] = await Promise.all([record(event, orgs[1]!.id), record(event, orgs[0]!.id)]);
    expect(first.creditsGranted + second.creditsGranted).toBe(10);
    const balances = await Promise.all(
      orgs.map((o) => getCreditBalance(handle.db, { orgId: o.id, agentId: agent.id })),
    );
    expect(balances.map((b) => b.granted).sort()).toEqual([0, 10]);
  });

  test("concurrent first recordings grant once", async () => {
    const { orgs, agent, event } = await setup(1);
    const results = await Promise.all([record(event), record(event), record(event, orgs[0]!.id)]);
    expect(results.reduce((n, r) => n + r.creditsGranted, 0)).toBe(10);
    expect(await getCreditBalance(handle.db, { orgId: orgs[0]!.id, agentId: agent.id })).toMatchObject({
      granted: 10,
      grants: 1,
    });
  });
});
