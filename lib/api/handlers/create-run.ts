import type { Db } from "@/db/client";
import { getExecutionForOrg, getRunnableAgent } from "@/db/queries/api-runs";
import { runAgent, validateAgentInput } from "@/lib/agents/runtime/run-agent";
import { runtimeDeps } from "@/lib/agents/runtime/runtime-deps";
import { agentSpecSchema } from "@/lib/agents/spec";
import { authenticate } from "@/lib/api/authenticate";
import { meterRun, REFUNDED_ERROR_CODES, refundCredit, requestHashOf } from "@/lib/api/metering";
import { problemFromError, problemResponse } from "@/lib/api/problem";
import { readJsonBody } from "@/lib/api/request";
import { executionResource } from "@/lib/api/resources";
import { hashCanonical } from "@/lib/canonical-json";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAY_WAIT_MS = 30_000;

/**
 * Runs a published agent for the key's organisation: authenticate and rate-limit, check
 * scope, validate the input against the agent's schema, meter (one credit, one execution
 * row, in one transaction), run, and answer with the recorded execution. With an
 * Idempotency-Key, a retry of the same request returns the first execution unchanged.
 */
export async function createRun(db: Db, request: Request, slug: string): Promise<Response> {
  const auth = await authenticate(db, request);
  if (!auth.ok) return auth.response;
  const { key, headers } = auth;
  try {
    const found = await getRunnableAgent(db, { slug, pinnedVersionId: key.pinnedVersionId });
    if (!found) return problemResponse("not-found", `There is no published agent "${slug}".`, { headers });
    if (!key.agentIds.includes(found.agent.id)) {
      return problemResponse("out-of-scope", `This API key is not scoped to "${slug}". An organisation owner can add it to the key's agents.`, { headers });
    }
    const idempotencyKey = request.headers.get("idempotency-key");
    if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      return problemResponse("invalid-request", "Idempotency-Key must be 1–255 visible ASCII characters.", { headers });
    }
    const body = await readJsonBody(request);
    if (!body.ok) return problemResponse("invalid-request", body.message, { headers });
    if (typeof body.value !== "object" || body.value === null || Array.isArray(body.value) || !("input" in body.value)) {
      return problemResponse("invalid-request", 'The body must be a JSON object with an "input" field.', { headers });
    }
    const input = (body.value as { input: unknown }).input;
    const spec = agentSpecSchema.parse(found.version.spec);
    validateAgentInput(spec, input);

    const metered = await meterRun(db, {
      key,
      agentId: found.agent.id,
      versionId: found.version.id,
      input,
      inputHash: hashCanonical(input ?? null),
      idempotencyKey,
      requestHash: requestHashOf({ agentId: found.agent.id, versionId: found.version.id, input }),
      costWei: found.version.priceWei,
    });
    if (metered.kind === "replay") {
      const row = await waitForFinish(db, metered.executionId, key.orgId);
      headers.set("Idempotent-Replayed", "true");
      headers.set("Location", `/api/v1/runs/${metered.executionId}`);
      return Response.json(executionResource(row), { status: 200, headers });
    }

    let record;
    let creditRefunded = false;
    try {
      record = await runAgent(runtimeDeps(db), {
        agentId: found.agent.id,
        versionId: found.version.id,
        spec,
        input,
        source: "api",
        orgId: key.orgId,
        apiKeyId: key.id,
        creditId: metered.creditId,
        idempotencyKey,
        requestHash: null,
        costWei: found.version.priceWei,
        execution: metered.execution,
      });
      if (record.errorCode && REFUNDED_ERROR_CODES.has(record.errorCode)) creditRefunded = await refundCredit(db, { executionId: record.id });
    } catch (error) {
      // runAgent records every outcome itself; reaching here means the platform failed.
      await refundCredit(db, { executionId: metered.execution.id }).catch(() => undefined);
      throw error;
    }
    headers.set("Location", `/api/v1/runs/${record.id}`);
    // The recorded execution, from what runAgent wrote (no second read).
    const resource = executionResource({
      ...record,
      agentId: found.agent.id,
      agentSlug: found.agent.slug,
      version: found.version.version,
      costWei: found.version.priceWei,
      creditRefunded,
      apiKeyId: key.id,
    });
    return Response.json(resource, { status: 201, headers });
  } catch (error) {
    return problemFromError(error, headers);
  }
}

/** The replayed execution once it has finished (a concurrent first request may still be running). */
async function waitForFinish(db: Db, executionId: string, orgId: string) {
  const deadline = Date.now() + REPLAY_WAIT_MS;
  for (;;) {
    const row = await getExecutionForOrg(db, { executionId, orgId });
    if (!row) throw new Error(`execution ${executionId} vanished`);
    if (row.status !== "running" || Date.now() > deadline) return row;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
