import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "../client";
import { testBackends } from "../testing";
import { createAgent } from "./agents";
import { createKnowledgeDocument, listKnowledgeDocuments, removeKnowledgeDocument, searchKnowledge } from "./knowledge";
import { createUser } from "./users";

describe.each(await testBackends())("knowledge search on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  async function agentWithDocs() {
    const owner = await createUser(handle.db, { email: `${randomUUID()}@example.com`, name: "o", passwordHash: null });
    const agent = await createAgent(handle.db, {
      ownerId: owner.id,
      slug: `k-${randomUUID()}`,
      name: "K",
      description: "",
      category: "data",
      tags: [],
    });
    const add = (title: string, chunks: string[]) =>
      handle.db.transaction((tx) =>
        createKnowledgeDocument(tx, { agentId: agent.id, title, format: "text", bytes: 1, chunks }),
      );
    const policy = await add("Policy", [
      "Refunds are issued within fourteen days.",
      "Refund requests need the order number and refund reason.",
    ]);
    const shipping = await add("Shipping", ["Parcels ship in three days."]);
    return { agentId: agent.id, policy, shipping };
  }

  test("ranks the best matching chunk first, with stemming", async () => {
    const { agentId } = await agentWithDocs();
    const hits = await searchKnowledge(handle.db, { agentId, query: "refunding" });
    expect(hits.map((h) => h.content)).toEqual([
      "Refund requests need the order number and refund reason.",
      "Refunds are issued within fourteen days.",
    ]);
    expect(hits[0]!.title).toBe("Policy");
    expect(await searchKnowledge(handle.db, { agentId, query: "volcano" })).toEqual([]);
  });

  test("searches only the agent's own documents", async () => {
    const a = await agentWithDocs();
    const b = await agentWithDocs();
    const hits = await searchKnowledge(handle.db, { agentId: a.agentId, query: "parcels" });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.documentId).toBe(a.shipping.id);
    expect(hits[0]!.documentId).not.toBe(b.shipping.id);
  });

  test("a removed document leaves the draft but stays searchable for versions frozen with it", async () => {
    const { agentId, shipping, policy } = await agentWithDocs();
    expect(await removeKnowledgeDocument(handle.db, { agentId, documentId: shipping.id })).toBeTruthy();
    expect((await listKnowledgeDocuments(handle.db, { agentId })).map((d) => d.id)).toEqual([policy.id]);
    expect(await searchKnowledge(handle.db, { agentId, query: "parcels" })).toEqual([]);
    expect(await searchKnowledge(handle.db, { agentId, query: "parcels", documentIds: [shipping.id] })).toHaveLength(1);
    expect(await searchKnowledge(handle.db, { agentId, query: "parcels", documentIds: [] })).toEqual([]);
  });

  test("odd query text is not an error", async () => {
    const { agentId } = await agentWithDocs();
    await expect(searchKnowledge(handle.db, { agentId, query: `"unbalanced OR -` })).resolves.toBeInstanceOf(Array);
  });
});
