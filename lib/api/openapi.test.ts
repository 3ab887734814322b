/**
 * Contract test: every status code the OpenAPI document lists for an operation is
 * produced by the handler in a real scenario, with the documented content type, every
 * documented header, and a body that validates against the documented schema — and the
 * handlers produce no status the document leaves out.
 */
import Ajv2020 from "ajv/dist/2020";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { runtimeDeps } from "@/lib/agents/runtime/runtime-deps";
import type { DbHandle } from "@/db/client";
import { createUser } from "@/db/queries/users";
import { testBackends } from "@/db/testing";
import { takeQueuedRun } from "@/db/queries/runs";
import { cancelRun } from "./handlers/cancel-run";
import { createRun } from "./handlers/create-run";
import { getRun } from "./handlers/get-run";
import { runEventsStream } from "./handlers/run-events";
import { getReceipt } from "./handlers/get-receipt";
import { getUsage } from "./handlers/get-usage";
import { listAgents } from "./handlers/list-agents";
import { apiRequest, doublerSpec, orgWithKey, publishedAgent } from "./fixtures.testing";
import { openApiDocument } from "./openapi";

// Runs accepted asynchronously are handed to the queue (tested in lib/queue/boss.test.ts); here the test is the worker.
vi.mock("@/lib/queue/run-worker", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/queue/run-worker")>()),
  enqueueRun: async () => {},
}));

const document = openApiDocument("http://localhost:3000");
type Doc = typeof document;
type Operation = {
  operationId: string;
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, { schema: { $ref?: string } }> }
  >;
};

const operations = new Map<string, Operation>();
for (const methods of Object.values(document.paths) as Record<string, Operation>[]) {
  for (const op of Object.values(methods)) operations.set(op.operationId, op);
}

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema({ $id: "api", components: (document as Doc).components });

async function checkAgainstDocument(operationId: string, response: Response) {
  const op = operations.get(operationId)!;
  const documented = op.responses[String(response.status)];
  expect(documented, `${operationId} answered ${response.status}, which the document does not list`).toBeDefined();
  for (const name of Object.keys(documented!.headers ?? {})) {
    expect(response.headers.get(name), `${operationId} ${response.status} lacks header ${name}`).not.toBeNull();
  }
  // The documented media type the response is in (a status may have several).
  const contentType = response.headers.get("content-type") ?? "";
  const entry = Object.entries(documented!.content ?? {}).find(([type]) => contentType.includes(type));
  expect(entry, `${operationId} ${response.status} answered ${contentType}, not a documented type`).toBeDefined();
  const [mediaType, media] = entry!;
  // An event stream is checked for its type only (its events: lib/api/run-events.test.ts).
  if (mediaType === "text/event-stream") {
    await response.body?.cancel();
    return;
  }
  const validate = ajv.getSchema(`api${media.schema.$ref}`)!;
  const body = await response.json();
  expect(validate(body), `${operationId} ${response.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

describe.each(await testBackends())("OpenAPI contract on $name", (backend) => {
  let handle: DbHandle;
  const seen = new Map<string, Set<string>>();
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  async function expectResponse(operationId: string, status: number, response: Promise<Response>) {
    const r = await response;
    expect(r.status).toBe(status);
    await checkAgainstDocument(operationId, r);
    if (!seen.has(operationId)) seen.set(operationId, new Set());
    seen.get(operationId)!.add(String(status));
  }

  test("every documented response of every operation, as the handlers produce it", async () => {
    const db = handle.db;
    const owner = await createUser(db, {
      email: `openapi-${Date.now()}@example.com`,
      name: "Creator",
      passwordHash: null,
    });
    const agent = await publishedAgent(db, owner.id, doublerSpec);
    const other = await publishedAgent(db, owner.id, doublerSpec);
    const { secret } = await orgWithKey(db, [agent.id], { credits: 4, rateLimitPerMinute: 1000 });
    const tight = await orgWithKey(db, [agent.id], { credits: 1, rateLimitPerMinute: 1 });
    const run = (secretOrNull: string | null, slug: string, body: unknown, headers?: Record<string, string>) =>
      createRun(db, apiRequest(`/agents/${slug}/runs`, { secret: secretOrNull, body, headers }), { slug: slug });

    await expectResponse("createRun", 201, run(secret, agent.slug, { input: { n: 1 } }, { "idempotency-key": "k1" }));
    // Streamed: 200 as an event stream (its events: lib/api/run-events.test.ts).
    await expectResponse(
      "createRun",
      200,
      run(secret, agent.slug, { input: { n: 8 } }, { accept: "text/event-stream" }),
    );
    await expectResponse("createRun", 200, run(secret, agent.slug, { input: { n: 1 } }, { "idempotency-key": "k1" }));
    await expectResponse("createRun", 401, run(null, agent.slug, { input: { n: 1 } }));
    await expectResponse("createRun", 403, run(secret, other.slug, { input: { n: 1 } }));
    await expectResponse("createRun", 404, run(secret, "missing-agent", { input: { n: 1 } }));
    await expectResponse("createRun", 409, run(secret, agent.slug, { input: { n: 2 } }, { "idempotency-key": "k1" }));
    await expectResponse("createRun", 422, run(secret, agent.slug, { input: { n: "x" } }));
    await expectResponse("createRun", 400, run(secret, agent.slug, "{ not json"));
    await expectResponse("createRun", 413, run(secret, agent.slug, { input: { n: 1, pad: "x".repeat(1024 * 1024) } }));
    await expectResponse(
      "createRun",
      415,
      createRun(
        db,
        apiRequest(`/agents/${agent.slug}/runs`, { secret, body: "{}", headers: { "content-type": "text/plain" } }),
        { slug: agent.slug },
      ),
    );
    {
      // A sandbox that cannot start the run: 503 with Retry-After, and the credit comes back.
      const pool = runtimeDeps(db).sandbox;
      const busy = vi
        .spyOn(pool, "run")
        .mockResolvedValue({ ok: false, error: { code: "busy", message: "The sandbox is busy." } });
      try {
        await expectResponse("createRun", 503, run(secret, agent.slug, { input: { n: 1 } }));
      } finally {
        busy.mockRestore();
      }
    }
    // Asynchronously: 202, then cancel while queued (200), and again (409).
    const accepted = run(secret, agent.slug, { input: { n: 5 } }, { prefer: "respond-async" });
    const queued = await (await accepted).clone().json();
    await expectResponse("createRun", 202, accepted);
    const cancel = (id: string, key: string | null) =>
      cancelRun(db, apiRequest(`/runs/${id}/cancel`, { secret: key, method: "POST" }), { id });
    await expectResponse("cancelRun", 200, cancel(queued.id, secret));
    await expectResponse("cancelRun", 409, cancel(queued.id, secret));
    {
      // A run a worker has started (claimed here without running it): 202, it is being stopped.
      const started = await (await run(secret, agent.slug, { input: { n: 7 } }, { prefer: "respond-async" })).json();
      await takeQueuedRun(db, { executionId: started.id, now: new Date(), deadlineAt: new Date(Date.now() + 60_000) });
      await expectResponse("cancelRun", 202, cancel(started.id, secret));
    }
    await expectResponse("cancelRun", 401, cancel(queued.id, null));
    await expectResponse("cancelRun", 404, cancel(crypto.randomUUID(), secret));
    // (The cancelled run's credit came back: one left, for the next run, then the 402.)
    const second = await (await run(secret, agent.slug, { input: { n: 3 } })).json();
    await expectResponse("createRun", 402, run(secret, agent.slug, { input: { n: 4 } }));
    await run(tight.secret, agent.slug, { input: { n: 1 } });
    await expectResponse("createRun", 429, run(tight.secret, agent.slug, { input: { n: 1 } }));
    await expectResponse("cancelRun", 429, cancel(queued.id, tight.secret));
    const follow = (id: string, key: string | null) =>
      runEventsStream(db, apiRequest(`/runs/${id}/events`, { secret: key }), { id });
    await expectResponse("getRunEvents", 200, follow(queued.id, secret));
    await expectResponse("getRunEvents", 401, follow(queued.id, null));
    await expectResponse("getRunEvents", 404, follow(crypto.randomUUID(), secret));
    await expectResponse("getRunEvents", 429, follow(queued.id, tight.secret));

    await expectResponse("getRun", 200, getRun(db, apiRequest(`/runs/${second.id}`, { secret }), { id: second.id }));
    await expectResponse(
      "getRun",
      401,
      getRun(db, apiRequest(`/runs/${second.id}`, { secret: "anm_live_short" }), { id: second.id }),
    );
    await expectResponse("getRun", 404, getRun(db, apiRequest("/runs/not-a-uuid", { secret }), { id: "not-a-uuid" }));
    await expectResponse(
      "getRun",
      429,
      getRun(db, apiRequest(`/runs/${second.id}`, { secret: tight.secret }), { id: second.id }),
    );

    await expectResponse(
      "getReceipt",
      200,
      getReceipt(db, apiRequest(`/runs/${second.id}/receipt`, { secret }), { id: second.id }),
    );
    await expectResponse(
      "getReceipt",
      401,
      getReceipt(db, apiRequest(`/runs/${second.id}/receipt`, {}), { id: second.id }),
    );
    await expectResponse(
      "getReceipt",
      404,
      getReceipt(db, apiRequest(`/runs/${crypto.randomUUID()}/receipt`, { secret }), { id: crypto.randomUUID() }),
    );
    await expectResponse(
      "getReceipt",
      429,
      getReceipt(db, apiRequest(`/runs/${second.id}/receipt`, { secret: tight.secret }), { id: second.id }),
    );

    await expectResponse("listAgents", 200, listAgents(db, apiRequest("/agents", { secret })));
    await expectResponse("listAgents", 401, listAgents(db, apiRequest("/agents", {})));
    await expectResponse("listAgents", 429, listAgents(db, apiRequest("/agents", { secret: tight.secret })));

    await expectResponse("getUsage", 200, getUsage(db, apiRequest("/usage?from=2026-01-01&to=2026-12-31", { secret })));
    await expectResponse("getUsage", 401, getUsage(db, apiRequest("/usage", {})));
    await expectResponse("getUsage", 422, getUsage(db, apiRequest("/usage?from=2026-05-01&to=2026-04-01", { secret })));
    await expectResponse("getUsage", 429, getUsage(db, apiRequest("/usage", { secret: tight.secret })));

    // Every documented status was produced.
    for (const [operationId, op] of operations) {
      expect([...(seen.get(operationId) ?? [])].sort(), operationId).toEqual(Object.keys(op.responses).sort());
    }
  }, 60_000);
});

test("the document is OpenAPI 3.1 with every $ref resolvable", () => {
  expect(document.openapi).toBe("3.1.0");
  const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
  expect(refs.length).toBeGreaterThan(10);
  for (const ref of refs) {
    const path = /"\$ref":"#\/([^"]+)"/.exec(ref)![1]!.split("/");
    let node: unknown = document;
    for (const part of path) node = (node as Record<string, unknown>)?.[part];
    expect(node, ref).toBeDefined();
  }
});
