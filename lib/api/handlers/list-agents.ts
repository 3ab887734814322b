import { listAgentsForKey } from "@/db/queries/api-runs";
import { withApiKey } from "@/lib/api/with-api-key";
import { jsonResponse } from "@/lib/api/json-response";

/** The agents this key may run, with their input schema and the organisation's credits left. */
export const listAgents = withApiKey(async ({ db, key, headers }) => {
  const agents = await listAgentsForKey(db, { orgId: key.orgId, agentIds: key.agentIds });
  return jsonResponse(
    {
      data: agents.map((a) => ({
        slug: a.slug,
        name: a.name,
        description: a.description,
        version: key.pinnedVersionId ? undefined : a.version,
        priceWei: a.priceWei,
        inputSchema: a.inputSchema ?? null,
        creditsLeft: a.creditsLeft,
        links: { runs: `/api/v1/agents/${a.slug}/runs` },
      })),
    },
    { headers },
  );
});
