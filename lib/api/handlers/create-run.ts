import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { startMeteredRuns, type MeteredStart, type MeteredStartResult } from "@/db/queries/api-metering";
import { getExecutionForOrg, getRunnableAgent } from "@/db/queries/api-runs";
import { agentInputProblems, isSelfContained, runAgent, validateAgentInput, type ExecutionRecord } from "@/lib/agents/runtime/run-agent";
import { runtimeDeps } from "@/lib/agents/runtime/runtime-deps";
import { agentSpecSchema } from "@/lib/agents/spec";
import { admit, authenticate, windowStartOf, type ApiKey, type Authenticated } from "@/lib/api/authenticate";
import { hashApiKey, readBearerKey } from "@/lib/api/keys";
import { meterRun, REFUNDED_ERROR_CODES, refundCredit, requestHashOf } from "@/lib/api/metering";
import { problemFromError, problemResponse } from "@/lib/api/problem";
import { readJsonBody } from "@/lib/api/request";
import { executionResource } from "@/lib/api/resources";
import { runnableCache, type Runnable } from "@/lib/api/runnable-cache";
import { hashCanonical } from "@/lib/canonical-json";
import { Coalescer, perDatabase } from "@/lib/coalesce";
import { jsonResponse } from "@/lib/api/json-response";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAY_WAIT_MS = 30_000;
/** What a run refused by a busy sandbox is told to wait before retrying. */
const SANDBOX_RETRY_AFTER_SECONDS = 5;

type Body = Awaited<ReturnType<typeof readJsonBody>>;
type Started = { execution: { id: string; startedAt: Date }; creditId: string };

/**
 * Runs a published agent for the key's organisation: authenticate and rate-limit, check
 * scope, validate the input against the agent's schema, meter (one credit, one execution
 * row, in one statement or transaction), run, and answer with the recorded execution.
 * With an Idempotency-Key, a retry of the same request returns the first execution unchanged.
 *
 * Most requests take the fast path: the input is validated against the version this
 * agent resolved to last time, and one batched statement (shared by the requests that
 * arrive together) authenticates, counts, checks that version and charges. Whatever that
 * statement does not charge continues on the general path, already authenticated.
 */
export async function createRun(db: Db, request: Request, slug: string): Promise<Response> {
  try {
    return await meterAndRun(db, request, slug);
  } catch (error) {
    // The database or the platform failed before a key was known (the fast path, or the
    // key lookup): a problem response, not an unexplained 500.
    return problemFromError(error);
  }
}

async function meterAndRun(db: Db, request: Request, slug: string): Promise<Response> {
  const idempotencyKey = request.headers.get("idempotency-key");
  const bearer = readBearerKey(request.headers.get("authorization"));
  let auth: Authenticated | undefined;
  let body: Body | undefined;
  const keyHash = bearer.kind === "key" ? hashApiKey(bearer.secret) : null;
  if (keyHash !== null && idempotencyKey === null) {
    const cache = runnableCache(db);
    const cached = cache.lookup(keyHash, slug);
    if (cached) {
      body = await readJsonBody(request);
      const input = inputOf(body);
      if (input && agentInputProblems(cached.spec, input.value).length === 0) {
        const inputHash = hashCanonical(input.value ?? null);
        // A self-contained agent runs first and is recorded, finished, by the statement
        // that charges it: one statement per run instead of two.
        const completed = cache.mayRunFirst(keyHash) && isSelfContained(cached.spec) ? await runFirst(db, cached, input.value, inputHash) : null;
        const fast = await fastStart(db).submit({
          executionId: completed?.id ?? randomUUID(),
          keyHash,
          slug,
          versionId: cached.version.id,
          input: input.value,
          inputHash,
          // The request hash only serves Idempotency-Key retries, which never take this path.
          requestHash: null,
          costWei: cached.version.priceWei,
          completed: completed ?? undefined,
        });
        auth = admit(fast.key, fast.now);
        cache.noteCharged(keyHash, auth.ok && fast.execution !== null);
        if (!auth.ok) {
          cache.forgetKey(keyHash);
          return auth.response;
        }
        cache.rememberPin(keyHash, auth.key.pinnedVersionId);
        if (fast.execution && completed) return createdResponse(completed, cached, auth, false);
        if (fast.execution) {
          const { id, startedAt, creditId } = fast.execution;
          return runStarted(db, auth, cached, input.value, inputHash, null, { execution: { id, startedAt }, creditId });
        }
      }
    }
  }
  auth ??= await authenticate(db, request);
  if (!auth.ok) {
    if (keyHash !== null) runnableCache(db).forgetKey(keyHash);
    return auth.response;
  }
  const { key, headers } = auth;
  try {
    const found = await getRunnableAgent(db, { slug, pinnedVersionId: key.pinnedVersionId });
    const runnable: Runnable | undefined = found && { ...found, spec: agentSpecSchema.parse(found.version.spec) };
    if (keyHash !== null) runnableCache(db).remember(keyHash, key.pinnedVersionId, slug, runnable);
    if (!runnable) return problemResponse("not-found", `There is no published agent "${slug}".`, { headers });
    if (!key.agentIds.includes(runnable.agent.id)) {
      return problemResponse("out-of-scope", `This API key is not scoped to "${slug}". An organisation owner can add it to the key's agents.`, { headers });
    }
    if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      return problemResponse("invalid-request", "Idempotency-Key must be 1–255 visible ASCII characters.", { headers });
    }
    body ??= await readJsonBody(request);
    if (!body.ok) return problemResponse("invalid-request", body.message, { headers });
    const input = inputOf(body);
    if (!input) return problemResponse("invalid-request", 'The body must be a JSON object with an "input" field.', { headers });
    validateAgentInput(runnable.spec, input.value);

    const inputHash = hashCanonical(input.value ?? null);
    const metered = await meterRun(db, {
      key,
      agentId: runnable.agent.id,
      versionId: runnable.version.id,
      input: input.value,
      inputHash,
      idempotencyKey,
      requestHash: idempotencyKey === null ? null : requestHashOf({ agentId: runnable.agent.id, versionId: runnable.version.id, input: input.value }),
      costWei: runnable.version.priceWei,
    });
    if (metered.kind === "replay") {
      const row = await waitForFinish(db, metered.executionId, key.orgId);
      headers.set("Idempotent-Replayed", "true");
      headers.set("Location", `/api/v1/runs/${metered.executionId}`);
      return jsonResponse(executionResource(row), { status: 200, headers });
    }
    return runStarted(db, auth, runnable, input.value, inputHash, idempotencyKey, metered);
  } catch (error) {
    return problemFromError(error, headers);
  }
}

/** The `input` of a JSON body `{ "input": … }`, or undefined when the body is not of that shape. */
function inputOf(body: Body): { value: unknown } | undefined {
  if (!body.ok) return undefined;
  const value = body.value;
  if (typeof value !== "object" || value === null || Array.isArray(value) || !("input" in value)) return undefined;
  return { value: (value as { input: unknown }).input };
}

const approximateSize = (value: unknown) => (value === null || typeof value !== "object" ? 64 : JSON.stringify(value).length);

/** The fast path's metering statements, batched per database (see lib/coalesce.ts). */
const fastStart = perDatabase((db: Db) => {
  const start = async (requests: MeteredStart[]) => {
    const now = new Date();
    const results = await startMeteredRuns(db, { windowStart: windowStartOf(now), now, requests });
    return results.map((result) => ({ ...result, now }));
  };
  return new Coalescer<MeteredStart, MeteredStartResult & { now: Date }>({
    batch: start,
    single: async (request) => (await start([request]))[0]!,
    maxItems: 64,
    sizeOf: (request) => approximateSize(request.input) + (request.completed ? approximateSize(request.completed.output) + approximateSize(request.completed.steps) : 0),
    maxSize: 2 * 1024 * 1024,
  });
});

/** What every API run of this version passes to runAgent. */
const runOf = (runnable: Runnable, input: unknown, inputHash: string) => ({
  agentId: runnable.agent.id,
  versionId: runnable.version.id,
  spec: runnable.spec,
  input,
  inputHash,
  source: "api" as const,
  costWei: runnable.version.priceWei,
});

/**
 * Runs a self-contained agent before it is charged; the caller records the result with
 * the charge. A platform failure (which would be refunded) is not recorded this way:
 * null sends the request down the usual path, which records and refunds it.
 */
async function runFirst(db: Db, runnable: Runnable, input: unknown, inputHash: string): Promise<ExecutionRecord | null> {
  const record = await runAgent(runtimeDeps(db), {
    ...runOf(runnable, input, inputHash),
    execution: { id: randomUUID(), startedAt: new Date() },
    recordedBy: "caller",
  });
  return record.errorCode && REFUNDED_ERROR_CODES.has(record.errorCode) ? null : record;
}

/** 201 with the recorded execution, from what runAgent returned (no second read). */
function createdResponse(record: ExecutionRecord, runnable: Runnable, auth: { key: ApiKey; headers: Headers }, creditRefunded: boolean): Response {
  const { key, headers } = auth;
  headers.set("Location", `/api/v1/runs/${record.id}`);
  const resource = executionResource({
    ...record,
    agentId: runnable.agent.id,
    agentSlug: runnable.agent.slug,
    version: runnable.version.version,
    costWei: runnable.version.priceWei,
    creditRefunded,
    apiKeyId: key.id,
  });
  return jsonResponse(resource, { status: 201, headers });
}

/** Runs a charged execution and answers with what was recorded; the platform's failures give the credit back. */
async function runStarted(
  db: Db,
  auth: { key: ApiKey; headers: Headers },
  runnable: Runnable,
  input: unknown,
  inputHash: string,
  idempotencyKey: string | null,
  metered: Started,
): Promise<Response> {
  const { key, headers } = auth;
  try {
    let record;
    let creditRefunded = false;
    try {
      record = await runAgent(runtimeDeps(db), {
        ...runOf(runnable, input, inputHash),
        orgId: key.orgId,
        apiKeyId: key.id,
        creditId: metered.creditId,
        idempotencyKey,
        requestHash: null,
        execution: metered.execution,
      });
      if (record.errorCode && REFUNDED_ERROR_CODES.has(record.errorCode)) creditRefunded = await refundCredit(db, { executionId: record.id });
    } catch (error) {
      // runAgent records every outcome itself; reaching here means the platform failed.
      await refundCredit(db, { executionId: metered.execution.id }).catch(() => undefined);
      throw error;
    }
    if (record.errorCode === "SANDBOX_BUSY") {
      // Refused before it started (and refunded): the client should come back shortly.
      headers.set("Retry-After", String(SANDBOX_RETRY_AFTER_SECONDS));
      return problemResponse("unavailable", record.errorMessage ?? undefined, { headers, extensions: { executionId: record.id } });
    }
    return createdResponse(record, runnable, auth, creditRefunded);
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
