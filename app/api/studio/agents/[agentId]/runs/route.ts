import { z } from "zod";
import { getDb } from "@/db/client";
import { getAgentByIdForOwner, getAgentVersionForOwner } from "@/db/queries/agents";
import { runAgent, validateAgentInput, type RunEvent } from "@/lib/agents/runtime/run-agent";
import { runtimeDeps } from "@/lib/agents/runtime/runtime-deps";
import { agentSpecSchema } from "@/lib/agents/spec";
import { getSessionUser } from "@/lib/auth/session";
import { AppError, isAppError } from "@/lib/errors";
import { isSameOrigin } from "@/lib/http/same-origin";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ input: z.unknown(), versionId: z.uuid().nullable().default(null) });

const problem = (status: number, title: string, extra: Record<string, unknown> = {}) =>
  Response.json({ title, status, ...extra }, { status, headers: { "content-type": "application/problem+json" } });

/**
 * Playground run of the draft or a version, for the agent's owner. Answers with an
 * NDJSON stream: `started`, then `step` and `text` events as they happen, then `done`
 * with the recorded execution. The run is recorded even if the browser goes away.
 */
export async function POST(request: Request, { params }: { params: Promise<{ agentId: string }> }) {
  if (!isSameOrigin(request)) return problem(403, "Cross-site request refused.");
  const user = await getSessionUser();
  if (!user) return problem(401, "Please sign in to continue.");
  const { agentId } = await params;
  if (!z.uuid().safeParse(agentId).success) return problem(404, "Agent not found.");
  const body = bodySchema.safeParse(await request.json().catch(() => undefined));
  if (!body.success) return problem(422, "The request body must be JSON: { input, versionId? }.");

  const db = await getDb();
  const agent = await getAgentByIdForOwner(db, { agentId, ownerId: user.id });
  if (!agent) return problem(404, "Agent not found.");
  let specSource: unknown = agent.draftSpec;
  if (body.data.versionId) {
    const version = await getAgentVersionForOwner(db, { agentId, versionId: body.data.versionId, ownerId: user.id });
    if (!version) return problem(404, "Version not found.");
    specSource = version.spec;
  }
  const spec = agentSpecSchema.safeParse(specSource);
  if (!spec.success) return problem(422, "The draft has errors; fix them in the builder first.");
  try {
    validateAgentInput(spec.data, body.data.input);
  } catch (error) {
    if (isAppError(error)) return problem(422, error.message, { errors: error.fieldErrors?.input ?? [] });
    throw error;
  }

  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const send = (event: RunEvent | { type: "done"; execution: unknown } | { type: "error"; message: string }) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        } catch {
          open = false;
        }
      };
      try {
        const execution = await runAgent(runtimeDeps(db), {
          agentId,
          versionId: body.data.versionId,
          spec: spec.data,
          input: body.data.input,
          source: "playground",
          userId: user.id,
          onEvent: send,
        });
        send({ type: "done", execution });
      } catch (error) {
        console.error("[playground] run failed to record", error);
        send({ type: "error", message: error instanceof AppError ? error.message : "The run could not be recorded." });
      } finally {
        if (open) controller.close();
      }
    },
  });
  return new Response(stream, {
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" },
  });
}
