/**
 * What the HTTP benchmarks run against: a trivial code agent (doubles `n`), an organisation
 * with plenty of credits of it, and an API key whose rate limit the load never reaches.
 */
const { createAgent, publishAgentVersion } = await import("../db/queries/agents");
const { createApiKey } = await import("../db/queries/api-keys");
const { createOrganization } = await import("../db/queries/organizations");
const { createUser } = await import("../db/queries/users");
const { credits } = await import("../db/schema");
const { generateApiKey } = await import("../lib/api/keys");

type Db = Awaited<ReturnType<(typeof import("../db/client"))["openDb"]>>["db"];

const doubler = {
  code: "async function handler(input) { return { doubled: input.n * 2 }; }",
  inputSchema: { type: "object", required: ["n"], properties: { n: { type: "number" } } },
};

/** An agent of `spec` (by default a code agent that doubles `n`), published, with a funded organisation and key. */
export async function seedMeteredAgent(db: Db, slug: string, spec: unknown = doubler) {
  const owner = await createUser(db, { email: `${slug}@bench.example`, name: "Bench", passwordHash: null });
  const agent = await createAgent(db, {
    ownerId: owner.id,
    slug,
    name: slug,
    description: "",
    category: "data",
    tags: [],
  });
  await db.transaction((tx) =>
    publishAgentVersion(tx, {
      agentId: agent.id,
      ownerId: owner.id,
      spec,
      specHash: slug,
      changelog: "",
      priceWei: "1000",
      payees: [],
    }),
  );
  const org = await db.transaction((tx) =>
    createOrganization(tx, { name: "Bench Co", slug: `${slug}-co`, userId: owner.id }),
  );
  await db.insert(credits).values({ orgId: org.id, agentId: agent.id, granted: 10_000_000 });
  const key = generateApiKey();
  await createApiKey(db, {
    orgId: org.id,
    name: "bench",
    prefix: key.prefix,
    keyHash: key.hash,
    agentIds: [agent.id],
    rateLimitPerMinute: 1_000_000,
    monthlyRunCap: null,
    pinnedVersionId: null,
    createdBy: owner.id,
  });
  return { slug: agent.slug, secret: key.secret, orgId: org.id };
}
