import { z } from "zod";
import { getExecutionForOrg } from "@/db/queries/api-runs";
import { requestRunCancel } from "@/db/queries/runs";
import { jsonResponse } from "@/lib/api/json-response";
import { problemResponse } from "@/lib/api/problem";
import { executionResource } from "@/lib/api/resources";
import { withApiKey } from "@/lib/api/with-api-key";
import { endQueuedRun } from "@/lib/metering/end-queued";

/**
 * Cancels a run of the key's organisation. Still queued: it ends `failed` with error
 * CANCELLED at once and its credit is returned (nothing ran); 200. Running: the process
 * running it is asked to stop it (within about a second), and it ends `failed` with error
 * CANCELLED_RUNNING, charged (the work was done); 202 with the run as it is. Ended: 409
 * not-cancellable. Taking the run off the queue and a worker claiming it are one
 * conditional update each, so exactly one of them wins.
 */
export const cancelRun = withApiKey<{ id: string }>(async ({ db, key, headers, params }) => {
  const row = z.uuid().safeParse(params.id).success
    ? await getExecutionForOrg(db, { executionId: params.id, orgId: key.orgId, agentIds: key.agentIds })
    : undefined;
  if (!row) return problemResponse("not-found", "There is no run with that id for this API key.", { headers });
  const now = new Date();
  const cancelled = await endQueuedRun(db, {
    executionId: row.id,
    orgId: key.orgId,
    errorCode: "CANCELLED",
    errorMessage: "Cancelled by the organisation before it started. Its credit was returned.",
    now,
  });
  if (!cancelled) {
    if (await requestRunCancel(db, { executionId: row.id, orgId: key.orgId, now })) {
      const current = (await getExecutionForOrg(db, { executionId: row.id, orgId: key.orgId })) ?? row;
      return jsonResponse(executionResource(current), { status: 202, headers });
    }
    const current = (await getExecutionForOrg(db, { executionId: row.id, orgId: key.orgId })) ?? row;
    return problemResponse("not-cancellable", `This run has already ended (${current.status}).`, {
      headers,
      extensions: { runStatus: current.status },
    });
  }
  const ended = await getExecutionForOrg(db, { executionId: row.id, orgId: key.orgId });
  return jsonResponse(executionResource(ended ?? row), { headers });
});
