import type { Db } from "@/db/client";
import { listAgentsForKey } from "@/db/queries/api-runs";
import { authenticate } from "@/lib/api/authenticate";
import { problemFromError } from "@/lib/api/problem";
import { jsonResponse } from "@/lib/api/json-response";

/** The agents this key may run, with their input schema and the organisation's credits left. */
export async function listAgents(db: Db, request: Request): Promise<Response> {
  const auth = await authenticate(db, request);
  if (!auth.ok) return auth.response;
  const { key, headers } = auth;
  try {
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
  } catch (error) {
    return problemFromError(error, headers);
  }
}
