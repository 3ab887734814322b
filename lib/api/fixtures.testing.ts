import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { createAgent, publishAgentVersion } from "@/db/queries/agents";
import { createApiKey, revokeApiKey } from "@/db/queries/api-keys";
import { createOrganization } from "@/db/queries/organizations";
import { createUser } from "@/db/queries/users";
import { credits } from "@/db/schema";
import { agentSpecSchema } from "@/lib/agents/spec";
import { generateApiKey } from "./keys";

/** A trivial code agent: echoes a number doubled; throws when asked to. */
export const doublerSpec = agentSpecSchema.parse({
  code: `async function handler(input) { if (input.fail) throw new Error("asked to fail"); return { doubled: input.n * 2 }; }`,
  inputSchema: {
    type: "object",
    required: ["n"],
    properties: { n: { type: "number" }, fail: { type: "boolean" } },
    additionalProperties: false,
  },
  outputSchema: { type: "object", required: ["doubled"], properties: { doubled: { type: "number" } } },
  limits: { timeoutMs: 5_000 },
});

/** A model agent; without a provider configured every run fails with PROVIDER_NOT_CONFIGURED (a platform failure). */
export const modelSpec = agentSpecSchema.parse({
  model: { provider: "openai", id: "gpt-4o-mini" },
  systemPrompt: "Answer briefly.",
  inputSchema: { type: "object" },
});

export async function publishedAgent(db: Db, ownerId: string, spec: unknown, priceWei = "1000") {
  const slug = `api-agent-${randomUUID().slice(0, 8)}`;
  const agent = await createAgent(db, {
    ownerId,
    slug,
    name: `API ${slug}`,
    description: "",
    category: "data",
    tags: [],
  });
  const version = await db.transaction((tx) =>
    publishAgentVersion(tx, { agentId: agent.id, ownerId, spec, specHash: "h", changelog: "", priceWei, payees: [] }),
  );
  return { ...agent, versionId: version!.id };
}

/** An organisation with `credits` runs of the agent and a key scoped to it; returns the secret. */
export async function orgWithKey(
  db: Db,
  agentIds: string[],
  options: {
    credits?: number;
    rateLimitPerMinute?: number;
    monthlyRunCap?: number | null;
    pinnedVersionId?: string | null;
  } = {},
) {
  const user = await createUser(db, { email: `${randomUUID()}@example.com`, name: "Enterprise", passwordHash: null });
  const org = await db.transaction((tx) =>
    createOrganization(tx, { name: "Enterprise Co", slug: `e-${randomUUID()}`, userId: user.id }),
  );
  for (const agentId of agentIds) {
    if (options.credits) await db.insert(credits).values({ orgId: org.id, agentId, granted: options.credits });
  }
  const generated = generateApiKey();
  const key = await createApiKey(db, {
    orgId: org.id,
    name: "server",
    prefix: generated.prefix,
    keyHash: generated.hash,
    agentIds,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 1000,
    monthlyRunCap: options.monthlyRunCap ?? null,
    pinnedVersionId: options.pinnedVersionId ?? null,
    createdBy: user.id,
  });
  return { user, org, key, secret: generated.secret, revoke: () => revokeApiKey(db, { orgId: org.id, keyId: key.id }) };
}

export function apiRequest(
  path: string,
  init: { method?: string; secret?: string | null; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers = new Headers(init.headers);
  if (init.secret) headers.set("authorization", `Bearer ${init.secret}`);
  if (init.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  return new Request(`http://localhost/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
}
