import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { getExecutionForOrg } from "@/db/queries/api-runs";
import { getRunnableVersion } from "@/db/queries/runs";
import { validateAgentInput } from "@/lib/agents/runtime/run-agent";
import { runtimeDeps } from "@/lib/agents/runtime/runtime-deps";
import { agentSpecSchema } from "@/lib/agents/spec";
import type { ApiKey } from "@/lib/api/authenticate";
import { jsonResponse } from "@/lib/api/json-response";
import { problemResponse } from "@/lib/api/problem";
import { executionResource } from "@/lib/api/resources";
import { acceptsEventStream, EVENT_STREAM_HEADERS, sseFrame } from "@/lib/api/sse";
import { runnableCache, type Runnable } from "@/lib/api/runnable-cache";
import { withApiKey } from "@/lib/api/with-api-key";
import { hashCanonical } from "@/lib/canonical-json";
import { AppError } from "@/lib/errors";
import { describeError } from "@/lib/log";
import { endQueuedRun } from "@/lib/metering/end-queued";
import { executeRun } from "@/lib/metering/execute-run";
import type { ExecutionRecord } from "@/lib/metering/record-end";
import { queuedRunDeadline, runDeadline, startRun } from "@/lib/metering/start-run";
import { enqueueRun } from "@/lib/queue/run-worker";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAY_WAIT_MS = 30_000;
/** What a run refused by a busy sandbox is told to wait before retrying. */
const SANDBOX_RETRY_AFTER_SECONDS = 5;

/** The version this key runs of the agent: the cached hint, else looked up (and cached). */
async function resolveRunnable(db: Db, slug: string, key: ApiKey, fresh: boolean): Promise<Runnable | undefined> {
  const cache = runnableCache(db);
  const cached = fresh ? undefined : cache.get(slug, key.pinnedVersionId);
  if (cached) return cached;
  const found = await getRunnableVersion(db, { slug, pinnedVersionId: key.pinnedVersionId });
  const runnable = found && { ...found, spec: agentSpecSchema.parse(found.version.spec) };
  cache.set(slug, key.pinnedVersionId, runnable);
  return runnable;
}

/** Whether the request asks to be answered before the run ends (RFC 7240 `Prefer: respond-async`). */
export function prefersAsync(prefer: string | null): boolean {
  if (!prefer) return false;
  return prefer.split(",").some((p) => p.split(";")[0]!.trim().toLowerCase() === "respond-async");
}

/** The `input` of a JSON body `{ "input": … }`. */
function inputOf(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !("input" in body)) {
    throw new AppError("INVALID_INPUT", 'The body must be a JSON object with an "input" field.');
  }
  return (body as { input: unknown }).input;
}

/**
 * Runs a published agent for the key's organisation: the version the key runs, scope, the
 * input against the agent's schema (only once the key is authenticated), then startRun
 * (idempotency, cap, one credit and the execution row, in one statement), the run, and its
 * recorded end. With an Idempotency-Key, a retry of the same request returns the first
 * execution unchanged. With `Prefer: respond-async` the run is accepted (the same checks,
 * its credit taken) and queued for a worker: 202 with the queued execution. With `Accept:
 * text/event-stream` the run's events stream in the response as it runs, the last one
 * (`end`) carrying the recorded execution.
 */
export const createRun = withApiKey<{ slug: string }>(
  async ({ db, request, key, headers, params: { slug }, body, requestId }) => {
    const idempotencyKey = request.headers.get("idempotency-key");
    const async = prefersAsync(request.headers.get("prefer"));
    if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey))
      throw new AppError("INVALID_INPUT", "Idempotency-Key must be 1–255 visible ASCII characters.");
    // A second pass only when the cached version turned out stale.
    for (let pass = 0; ; pass++) {
      const runnable = await resolveRunnable(db, slug, key, pass > 0);
      if (!runnable) throw new AppError("NOT_FOUND", `There is no published agent "${slug}".`);
      if (runnable.agent.unlisted) {
        throw new AppError(
          "AGENT_UNLISTED",
          `"${slug}" was unlisted by the platform's operators; its runs are refused until it is listed again.`,
        );
      }
      if (!key.agentIds.includes(runnable.agent.id)) {
        throw new AppError(
          "FORBIDDEN",
          `This API key is not scoped to "${slug}". An organisation owner can add it to the key's agents.`,
        );
      }
      const input = inputOf(await body());
      validateAgentInput(runnable.spec, input);
      const inputHash = hashCanonical(input ?? null);
      const common = { agentId: runnable.agent.id, versionId: runnable.version.id, costWei: runnable.version.priceWei };
      const started = await startRun(db, {
        ...common,
        source: "api",
        executionId: randomUUID(),
        input,
        inputHash,
        deadlineAt: async ? queuedRunDeadline(runnable.spec) : runDeadline(runnable.spec),
        queued: async,
        requestId,
        keyId: key.id,
        orgId: key.orgId,
        pinnedVersionId: key.pinnedVersionId,
        monthlyRunCap: key.monthlyRunCap,
        idempotencyKey,
        requestHash: idempotencyKey === null ? null : hashCanonical({ ...common, input: input ?? null }),
      });
      if (started.kind === "stale" && pass === 0) continue;
      if (started.kind === "stale")
        throw new AppError("CONFLICT", "The agent changed while this request was made; retry it.");
      if (started.kind === "replay") {
        const row = async
          ? await getExecutionForOrg(db, { executionId: started.executionId, orgId: key.orgId })
          : await waitForFinish(db, started.executionId, key.orgId);
        if (!row) throw new Error(`execution ${started.executionId} vanished`);
        headers.set("Idempotent-Replayed", "true");
        headers.set("Location", `/api/v1/runs/${started.executionId}`);
        const ended = row.status !== "running";
        if (async) headers.set("Preference-Applied", "respond-async");
        return jsonResponse(executionResource(row), { status: async && !ended ? 202 : 200, headers });
      }
      if (async) return accepted(db, started.execution.id, key.orgId, headers);
      const startedRun = {
        id: started.execution.id,
        startedAt: started.execution.startedAt,
        agentId: runnable.agent.id,
        versionId: runnable.version.id,
        inputHash,
        costWei: runnable.version.priceWei,
        charged: true,
      };
      const runParams = { spec: runnable.spec, input, tenant: `org:${key.orgId}`, priority: "paid" as const };
      const resourceOf = (record: ExecutionRecord) =>
        executionResource({
          ...record,
          agentId: runnable.agent.id,
          agentSlug: runnable.agent.slug,
          version: runnable.version.version,
          costWei: runnable.version.priceWei,
          apiKeyId: key.id,
          queued: false,
          requestId,
        });
      if (acceptsEventStream(request.headers.get("accept"))) {
        // The run is charged and started: from here it streams, and ends in its `end` event.
        let stream: ReadableStreamDefaultController<Uint8Array> | undefined;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            stream = controller;
          },
        });
        const send = (events: { seq: number; type: string; data: unknown }[]) => {
          try {
            for (const e of events) stream?.enqueue(sseFrame(e.seq, e.type, e.data));
          } catch {
            // The client left; the run goes on and is recorded.
          }
        };
        void executeRun(runtimeDeps(db), startedRun, runParams, {
          events: send,
          cancellable: true,
          endExtra: async (record) => ({ execution: resourceOf(record) }),
        })
          .catch((error: unknown) => {
            // Its end could not be recorded (logged by recordRunEnd); the stream ends without `end`.
            console.error(`[create-run] streamed run ${startedRun.id}: ${describeError(error)}`);
          })
          .finally(() => {
            try {
              stream?.close();
            } catch {
              // already closed by the client
            }
          });
        headers.set("Location", `/api/v1/runs/${startedRun.id}`);
        for (const [name, value] of Object.entries(EVENT_STREAM_HEADERS)) headers.set(name, value);
        return new Response(body, { status: 200, headers });
      }
      const record = await executeRun(runtimeDeps(db), startedRun, runParams, { cancellable: true });
      if (record.errorCode === "SANDBOX_BUSY") {
        // Refused before it started (and refunded): the client should come back shortly.
        headers.set("Retry-After", String(SANDBOX_RETRY_AFTER_SECONDS));
        return problemResponse("unavailable", record.errorMessage ?? undefined, {
          headers,
          extensions: { executionId: record.id },
        });
      }
      headers.set("Location", `/api/v1/runs/${record.id}`);
      return jsonResponse(resourceOf(record), { status: 201, headers });
    }
  },
);

/**
 * A run accepted asynchronously: queued for a worker, answered 202 with where to follow it.
 * If the queue cannot take it, the run is ended at once (refunded) and the client told to
 * retry.
 */
async function accepted(db: Db, executionId: string, orgId: string, headers: Headers): Promise<Response> {
  try {
    await enqueueRun(executionId);
  } catch (error) {
    await endQueuedRun(db, {
      executionId,
      orgId,
      errorCode: "INTERNAL",
      errorMessage: "The run could not be queued. Its credit was returned.",
    });
    console.error(`[queue] could not queue run ${executionId}: ${describeError(error)}`);
    headers.set("Retry-After", String(SANDBOX_RETRY_AFTER_SECONDS));
    return problemResponse("unavailable", "The run could not be queued; it was not charged. Retry shortly.", {
      headers,
      extensions: { executionId },
    });
  }
  const row = await getExecutionForOrg(db, { executionId, orgId });
  if (!row) throw new Error(`execution ${executionId} vanished`);
  headers.set("Location", `/api/v1/runs/${executionId}`);
  headers.set("Preference-Applied", "respond-async");
  return jsonResponse(executionResource(row), { status: 202, headers });
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
