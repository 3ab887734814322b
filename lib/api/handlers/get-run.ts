import { z } from "zod";
import type { Db } from "@/db/client";
import { getExecutionForOrg } from "@/db/queries/api-runs";
import { authenticate } from "@/lib/api/authenticate";
import { problemFromError, problemResponse } from "@/lib/api/problem";
import { executionResource } from "@/lib/api/resources";
import { jsonResponse } from "@/lib/api/json-response";

/** One execution of the key's organisation, for an agent the key is scoped to. */
export async function getRun(db: Db, request: Request, id: string): Promise<Response> {
  const auth = await authenticate(db, request);
  if (!auth.ok) return auth.response;
  const { key, headers } = auth;
  try {
    const row = z.uuid().safeParse(id).success ? await getExecutionForOrg(db, { executionId: id, orgId: key.orgId, agentIds: key.agentIds }) : undefined;
    if (!row) return problemResponse("not-found", "There is no run with that id for this API key.", { headers });
    return jsonResponse(executionResource(row), { headers });
  } catch (error) {
    return problemFromError(error, headers);
  }
}
