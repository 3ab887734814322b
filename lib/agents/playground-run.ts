import { randomUUID } from "node:crypto";
import { z } from "zod";
import { getAgentByIdForOwner, getAgentVersionForOwner } from "@/db/queries/agents";
import { hashCanonical } from "@/lib/canonical-json";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { SessionContext } from "@/lib/http/with-session";
import { executeRun } from "@/lib/metering/execute-run";
import { runDeadline, startRun } from "@/lib/metering/start-run";
import { validateAgentInput, type RunEvent } from "./runtime/run-agent";
import { runtimeDeps } from "./runtime/runtime-deps";
import { agentSpecSchema } from "./spec";

const bodySchema = z.object({ input: z.unknown(), versionId: z.uuid().nullable().default(null) });

/**
 * Bytes of events one playground stream sends before the `done` event. Past it, step and
 * text events are dropped (the recorded execution in `done` still has them), so a run that
 * logs or streams without end costs bounded memory however slowly the browser reads.
 */
export const MAX_STREAM_EVENT_BYTES = 2 * 1024 * 1024;

type StreamEvent =
  | RunEvent
  | { type: "done"; execution: unknown }
  | { type: "error"; message: string }
  | { type: "truncated"; message: string };

/**
 * Playground run of the draft or a version, for the agent's owner, within the owner's
 * playground quotas. Answers with an NDJSON stream: `started`, then `step` and `text`
 * events as they happen (up to MAX_STREAM_EVENT_BYTES), then `done` with the recorded
 * execution. The run is recorded even if the browser goes away.
 */
export async function playgroundRun({
  db,
  user,
  params,
  body,
}: SessionContext<{ agentId: string }>): Promise<Response> {
  const { agentId } = params;
  if (!z.uuid().safeParse(agentId).success) throw new AppError("NOT_FOUND", "Agent not found.");
  const parsed = bodySchema.safeParse(await body());
  if (!parsed.success) throw new AppError("INVALID_INPUT", "The request body must be JSON: { input, versionId? }.");
  const { input, versionId } = parsed.data;
  const agent = await getAgentByIdForOwner(db, { agentId, ownerId: user.id });
  if (!agent) throw new AppError("NOT_FOUND", "Agent not found.");
  let specSource: unknown = agent.draftSpec;
  if (versionId) {
    const version = await getAgentVersionForOwner(db, { agentId, versionId, ownerId: user.id });
    if (!version) throw new AppError("NOT_FOUND", "Version not found.");
    specSource = version.spec;
  }
  const spec = agentSpecSchema.safeParse(specSource);
  if (!spec.success) throw new AppError("INVALID_INPUT", "The draft has errors; fix them in the builder first.");
  validateAgentInput(spec.data, input);
  const inputHash = hashCanonical(input ?? null);
  const started = await startRun(db, {
    source: "playground",
    executionId: randomUUID(),
    agentId,
    versionId,
    input,
    inputHash,
    costWei: "0",
    deadlineAt: runDeadline(spec.data),
    userId: user.id,
    quotas: {
      maxRunning: env.PLAYGROUND_CONCURRENT_RUNS,
      maxPerMinute: env.PLAYGROUND_RUNS_PER_MINUTE,
      maxTokensPerDay: env.PLAYGROUND_TOKENS_PER_DAY,
    },
  });
  if (started.kind !== "started") throw new Error(`playground start answered ${started.kind}`);

  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      let sent = 0;
      let truncated = false;
      const send = (event: StreamEvent) => {
        if (!open) return;
        const bytes = encoder.encode(`${JSON.stringify(event)}\n`);
        if (event.type === "step" || event.type === "text") {
          if (truncated) return;
          if (sent + bytes.byteLength > MAX_STREAM_EVENT_BYTES) {
            truncated = true;
            return send({
              type: "truncated",
              message:
                "The run produced more output than the playground shows live; the full record follows when it ends.",
            });
          }
        }
        sent += bytes.byteLength;
        try {
          controller.enqueue(bytes);
        } catch {
          open = false;
        }
      };
      try {
        const execution = await executeRun(
          runtimeDeps(db),
          {
            id: started.execution.id,
            startedAt: started.execution.startedAt,
            agentId,
            versionId,
            inputHash,
            costWei: "0",
            charged: false,
          },
          { spec: spec.data, input, tenant: `user:${user.id}`, priority: "free", onEvent: send },
        );
        send({ type: "done", execution });
      } catch {
        send({ type: "error", message: "The run could not be recorded." });
      } finally {
        if (open) controller.close();
      }
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    },
  });
}
