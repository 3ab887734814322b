import { z } from "zod";
import { getExecutionForOrg } from "@/db/queries/api-runs";
import { jsonResponse } from "@/lib/api/json-response";
import { problemResponse } from "@/lib/api/problem";
import { executionResource } from "@/lib/api/resources";
import { withApiKey } from "@/lib/api/with-api-key";

/** One execution of the key's organisation, for an agent the key is scoped to. */
export const getRun = withApiKey<{ id: string }>(async ({ db, key, headers, params }) => {
  const row = z.uuid().safeParse(params.id).success
    ? await getExecutionForOrg(db, { executionId: params.id, orgId: key.orgId, agentIds: key.agentIds })
    : undefined;
  if (!row) return problemResponse("not-found", "There is no run with that id for this API key.", { headers });
  return jsonResponse(executionResource(row), { headers });
});
