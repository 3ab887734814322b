import type { Db } from "@/db/client";
import { createAgent, publishAgentVersion } from "@/db/queries/agents";
import { createUser, getUserCredentialsByEmail } from "@/db/queries/users";
import { agentSpecSchema } from "@/lib/agents/spec";
import { hashCanonical } from "@/lib/canonical-json";
import { anvilAccounts } from "@/lib/chain/dev-accounts";
import { demoAgents } from "./demo-agents";

export const DEMO_CREATOR_EMAIL = "demo-creator@ainomads.invalid";

/**
 * Seeds the demo creator and publishes the demo agents, once: a database that already
 * has the demo creator is left alone. Everything happens in one transaction.
 */
export async function seedDemoData(db: Db): Promise<{ seeded: boolean }> {
  return db.transaction(async (tx) => {
    if (await getUserCredentialsByEmail(tx, { email: DEMO_CREATOR_EMAIL })) return { seeded: false };
    // No password: the demo creator cannot be signed into.
    const creator = await createUser(tx, { email: DEMO_CREATOR_EMAIL, name: "AI Nomads Labs", passwordHash: null });
    for (const demo of demoAgents) {
      const spec = agentSpecSchema.parse(demo.spec);
      const agent = await createAgent(tx, {
        ownerId: creator.id,
        slug: demo.slug,
        name: demo.name,
        description: demo.description,
        category: demo.category,
        tags: demo.tags,
        draftSpec: spec,
      });
      await publishAgentVersion(tx, {
        agentId: agent.id,
        ownerId: creator.id,
        spec,
        specHash: hashCanonical(spec),
        changelog: "First release",
        priceWei: demo.priceWei,
        // The demo creator's wallet: anvil's public test account #4 (see README).
        payees: [{ address: anvilAccounts[4].address.toLowerCase(), shareBps: 10_000 }],
      });
    }
    return { seeded: true };
  });
}
