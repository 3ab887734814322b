import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "../client";
import { seedDemoData } from "@/scripts/seed/seed";
import { demoAgents } from "@/scripts/seed/demo-agents";
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

  const newUser = () =>
    createUser(handle.db, { email: `${randomUUID()}@example.com`, name: "Creator", passwordHash: null });
  const newAgent = (ownerId: string, name = "My Agent") =>
    createAgent(handle.db, {
      ownerId,
      slug: `${name.toLowerCase().replace(/ /g, "-")}-${randomUUID()}`,
      name,
      description: "d",
      category: "data",
      tags: ["a"],
    });

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
      createAgent(handle.db, {
        ownerId: alice.id,
        slug: agent.slug,
        name: "x",
        description: "",
        category: "data",
        tags: [],
      }),
    ).rejects.toThrow();
  });

  test("publishing numbers versions 1, 2, … and only the owner can publish", async () => {
    const [alice, bob] = await Promise.all([newUser(), newUser()]);
    const agent = await newAgent(alice.id);
    const publish = (ownerId: string) =>
      handle.db.transaction((tx) =>
        publishAgentVersion(tx, {
          agentId: agent.id,
          ownerId,
          spec: { code: "x" },
          specHash: "h",
          changelog: "c",
          priceWei: "1000",
          payees: [],
        }),
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
          publishAgentVersion(tx, {
            agentId: agent.id,
            ownerId: alice.id,
            spec: {},
            specHash: "h",
            changelog: "",
            priceWei: "0",
            payees: [],
          }),
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

  describe("marketplace search", () => {
    async function publishAs(
      ownerId: string,
      name: string,
      description: string,
      tags: string[],
      priceWei: string,
      category = "data",
    ) {
      const agent = await createAgent(handle.db, {
        ownerId,
        slug: `${name.toLowerCase().replace(/\W+/g, "-")}-${randomUUID()}`,
        name,
        description,
        category,
        tags,
      });
      await handle.db.transaction((tx) =>
        publishAgentVersion(tx, {
          agentId: agent.id,
          ownerId,
          spec: {},
          specHash: "h",
          changelog: "",
          priceWei,
          payees: [],
        }),
      );
      return agent;
    }

    test("finds by words in name, description or tags, ranks name and tag hits first, and filters", async () => {
      const owner = await newUser();
      const marker = `zq${randomUUID().replace(/-/g, "").slice(0, 8)}`;
      const inName = await publishAs(owner.id, `Invoice ${marker}`, "Reads documents.", [], "3000", "finance");
      const inDescription = await publishAs(
        owner.id,
        "Parser",
        `Understands ${marker} files and invoices.`,
        [],
        "1000",
      );
      const inTags = await publishAs(owner.id, "Tagged", "Something else.", [marker], "2000");
      await publishAs(owner.id, "Unrelated", "Nothing to see.", [], "500");

      const hits = await listPublishedAgents(handle.db, { q: marker, limit: 50 });
      expect(hits.map((h) => h.id).sort()).toEqual([inName.id, inDescription.id, inTags.id].sort());
      expect(hits.at(-1)!.id).toBe(inDescription.id);

      const byPrice = await listPublishedAgents(handle.db, { q: marker, sort: "price_asc" });
      expect(byPrice.map((h) => h.priceWei)).toEqual(["1000", "2000", "3000"]);
      const ranged = await listPublishedAgents(handle.db, { q: marker, minPriceWei: "1500", maxPriceWei: "3000" });
      expect(ranged.map((h) => h.id).sort()).toEqual([inName.id, inTags.id].sort());
      expect(await listPublishedAgents(handle.db, { q: marker, category: "finance" })).toEqual([
        expect.objectContaining({ id: inName.id }),
      ]);
      // Stemming: "invoices" finds "Invoice".
      expect((await listPublishedAgents(handle.db, { q: `invoices ${marker}` })).map((h) => h.id)).toContain(inName.id);
    });

    test("search text with operators or quotes is not an error", async () => {
      await expect(listPublishedAgents(handle.db, { q: `"unclosed -minus OR or (paren` })).resolves.toBeInstanceOf(
        Array,
      );
    });

    test("wei prices compare as numbers, not strings", async () => {
      const owner = await newUser();
      const marker = `zp${randomUUID().replace(/-/g, "").slice(0, 8)}`;
      await publishAs(owner.id, `Cheap ${marker}`, "", [], "9");
      await publishAs(owner.id, `Dear ${marker}`, "", [], "100000000000000000000");
      const sorted = await listPublishedAgents(handle.db, { q: marker, sort: "price_desc" });
      expect(sorted.map((h) => h.priceWei)).toEqual(["100000000000000000000", "9"]);
    });
  });
});
