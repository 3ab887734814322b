import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "../client";
import { seedDemoData } from "../seed/seed";
import { demoAgents } from "../seed/demo-agents";
import { testBackends } from "../testing";
import {
  createAgent,
  getAgentForOwner,
  getPublishedAgentBySlug,
  listAgentsForOwner,
  listPublishedAgents,
  publishAgentVersion,
} from "./agents";
import { createUser } from "./users";

describe.each(await testBackends())("agents on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  const newUser = () => createUser(handle.db, { email: `${randomUUID()}@example.com`, name: "Creator", passwordHash: null });
  const newAgent = (ownerId: string, name = "My Agent") =>
    createAgent(handle.db, { ownerId, slug: `${name.toLowerCase().replace(/ /g, "-")}-${randomUUID()}`, name, description: "d", category: "data", tags: ["a"] });

  test("a draft is visible to its owner only, and not in the marketplace", async () => {
    const [alice, bob] = await Promise.all([newUser(), newUser()]);
    const draft = await newAgent(alice.id);
    expect(draft.status).toBe("draft");
    expect((await listAgentsForOwner(handle.db, { ownerId: alice.id })).map((a) => a.id)).toEqual([draft.id]);
    expect(await listAgentsForOwner(handle.db, { ownerId: bob.id })).toEqual([]);
    expect(await getAgentForOwner(handle.db, { slug: draft.slug, ownerId: alice.id })).toMatchObject({ id: draft.id });
    expect(await getAgentForOwner(handle.db, { slug: draft.slug, ownerId: bob.id })).toBeUndefined();
    expect(await getPublishedAgentBySlug(handle.db, { slug: draft.slug })).toBeUndefined();
  });

  test("slugs are unique", async () => {
    const alice = await newUser();
    const agent = await newAgent(alice.id);
    await expect(
      createAgent(handle.db, { ownerId: alice.id, slug: agent.slug, name: "x", description: "", category: "data", tags: [] }),
    ).rejects.toThrow();
  });

  test("publishing numbers versions 1, 2, … and only the owner can publish", async () => {
    const [alice, bob] = await Promise.all([newUser(), newUser()]);
    const agent = await newAgent(alice.id);
    const publish = (ownerId: string) =>
      handle.db.transaction((tx) =>
        publishAgentVersion(tx, { agentId: agent.id, ownerId, spec: { code: "x" }, specHash: "h", changelog: "c", priceWei: "1000", payees: [] }),
      );
    expect(await publish(bob.id)).toBeUndefined();
    expect((await publish(alice.id))?.version).toBe(1);
    expect((await publish(alice.id))?.version).toBe(2);
    const published = await getPublishedAgentBySlug(handle.db, { slug: agent.slug });
    expect(published).toMatchObject({ version: 2, priceWei: "1000", status: "published" });
  });

  test("concurrent publishes get distinct consecutive versions", async () => {
    const alice = await newUser();
    const agent = await newAgent(alice.id);
    const versions = await Promise.all(
      [1, 2, 3].map(() =>
        handle.db.transaction((tx) =>
          publishAgentVersion(tx, { agentId: agent.id, ownerId: alice.id, spec: {}, specHash: "h", changelog: "", priceWei: "0", payees: [] }),
        ),
      ),
    );
    expect(versions.map((v) => v!.version).sort()).toEqual([1, 2, 3]);
  });

  test("the demo seed publishes every demo agent once, however often it runs", async () => {
    expect(await seedDemoData(handle.db)).toEqual({ seeded: true });
    expect(await seedDemoData(handle.db)).toEqual({ seeded: false });
    const listed = await listPublishedAgents(handle.db, { limit: 100 });
    for (const demo of demoAgents) {
      expect(listed.filter((a) => a.slug === demo.slug)).toHaveLength(1);
    }
    const data = await listPublishedAgents(handle.db, { category: "data", limit: 100 });
    expect(data.every((a) => a.category === "data")).toBe(true);
    expect(data.some((a) => a.slug === "csv-stats")).toBe(true);
  });
});
