import { problemTypes, problemTypeUri, type ProblemType } from "./problem";

const rateLimitHeaders = {
  "RateLimit-Limit": { description: "Requests allowed per minute for this key.", schema: { type: "integer" } },
  "RateLimit-Remaining": { description: "Requests left in the current minute.", schema: { type: "integer" } },
  "RateLimit-Reset": { description: "Seconds until the current window ends.", schema: { type: "integer" } },
  "RateLimit-Policy": { description: "The key's policy, e.g. `60;w=60`.", schema: { type: "string" } },
};
const headerRefs = (names: string[]) =>
  Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));
const limited = headerRefs(Object.keys(rateLimitHeaders));

const problem = (type: ProblemType, description: string, extraHeaders: string[] = []) => ({
  description: `${description} (\`type\`: \`${problemTypeUri(type)}\`)`,
  headers: { ...limited, ...headerRefs(extraHeaders) },
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

const unauthorized = {
  description: `Missing, malformed, unknown or revoked API key (\`type\`: \`${problemTypeUri("invalid-api-key")}\`).`,
  headers: headerRefs(["WWW-Authenticate"]),
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
};

const json = (ref: string, description: string, headers: string[] = []) => ({
  description,
  headers: { ...limited, ...headerRefs(headers) },
  content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } },
});

/** The public API's OpenAPI 3.1 document; the contract test checks the handlers against it. */
export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "AI Nomads API",
      version: "1.0.0",
      description:
        "Run the agents your organisation bought, from your own systems. Authenticate with an organisation API key as a Bearer token. Every run takes one credit; errors are RFC 9457 problem details with stable `type`s.",
    },
    servers: [{ url: `${serverUrl.replace(/\/$/, "")}/api/v1` }],
    security: [{ apiKey: [] }],
    paths: {
      "/agents/{slug}/runs": {
        post: {
          operationId: "createRun",
          summary: "Run an agent",
          description:
            "Runs the agent's current version (or the key's pinned version) with `input`, validated against the agent's input schema, and waits for the result — or, with `Prefer: respond-async`, accepts it (202, status `queued`) for a worker to run; follow it at `Location` and cancel it while queued. One credit is taken per new run; it is returned when the platform fails the run (`creditRefunded`), not when the agent itself fails. With an `Idempotency-Key`, a retry of the same request returns the first run (200, `Idempotent-Replayed: true`) without another charge.",
          parameters: [
            { name: "slug", in: "path", required: true, schema: { type: "string" }, description: "The agent's slug." },
            {
              name: "Accept",
              in: "header",
              required: false,
              schema: { type: "string", examples: ["text/event-stream"] },
              description:
                "`text/event-stream` streams the run's events in the response instead of waiting for its end.",
            },
            {
              name: "Idempotency-Key",
              in: "header",
              required: false,
              schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,255}$" },
              description:
                "Any unique string per logical request, e.g. a UUID. Same key and body → the first result; same key, different body → 409.",
            },
            {
              name: "Prefer",
              in: "header",
              required: false,
              schema: { type: "string", examples: ["respond-async"] },
              description:
                "`respond-async` (RFC 7240): answer 202 once the run is accepted (checked and charged exactly as a synchronous run) instead of waiting for its end.",
            },
          ],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/RunRequest" } } },
          },
          responses: {
            "201": json("Execution", "The run was recorded (it may have succeeded or failed; see `status`).", [
              "Location",
            ]),
            "200": {
              description:
                "A replay of the earlier run with the same Idempotency-Key and body (JSON, with `Idempotent-Replayed: true`); or, with `Accept: text/event-stream`, the run's events as it runs (`started`, `step`, `text`, then `end`, whose data holds `status`, `errorCode` and the recorded `execution`). A streamed run is charged like any other; refusals come before the stream, as problem details.",
              headers: { ...limited, ...headerRefs(["Location"]) },
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/Execution" } },
                "text/event-stream": { schema: { type: "string" } },
              },
            },
            "202": json(
              "Execution",
              "With `Prefer: respond-async`: the run is accepted and queued (its credit taken); a replay of a run not yet ended answers 202 too, with `Idempotent-Replayed`.",
              ["Location", "Preference-Applied"],
            ),
            "400": problem("malformed-request", "The body is not valid JSON."),
            "401": unauthorized,
            "402": problem("payment-required", "The organisation has no credits left for this agent."),
            "403": problem(
              "out-of-scope",
              "The key is not scoped to this agent (`type` …#problem-out-of-scope); the platform's operators unlisted the agent (…#problem-agent-unlisted); or suspended the account that created the key (…#problem-account-suspended).",
            ),
            "404": problem("not-found", "No published agent has this slug."),
            "409": problem("idempotency-conflict", "The Idempotency-Key was used with a different request."),
            "413": problem("payload-too-large", "The body is larger than 1 MiB."),
            "415": problem("unsupported-media-type", "The body is not sent as `application/json`."),
            "422": problem(
              "invalid-request",
              "The body has no `input`, or the input does not match the agent's input schema, contains U+0000 or an unpaired surrogate, or nests deeper than 64 levels (see `errors`).",
            ),
            "429": problem(
              "rate-limited",
              "Too many requests this minute, or the key's monthly run cap is reached (`type` …#problem-monthly-cap-reached).",
              ["Retry-After"],
            ),
            "503": problem(
              "unavailable",
              "The sandbox could not start the run soon enough, or (asynchronously) the queue could not take it; nothing was charged. Retry after the given seconds.",
              ["Retry-After"],
            ),
          },
        },
      },
      "/runs/{id}": {
        get: {
          operationId: "getRun",
          summary: "Get a run",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: {
            "200": json("Execution", "The run."),
            "401": unauthorized,
            "404": problem("not-found", "No run with this id for an agent this key is scoped to."),
            "429": problem("rate-limited", "Too many requests this minute.", ["Retry-After"]),
          },
        },
      },
      "/runs/{id}/cancel": {
        post: {
          operationId: "cancelRun",
          summary: "Cancel a run",
          description:
            "Cancels a run. Still queued (accepted with `Prefer: respond-async`, not started): it ends `failed` with error `CANCELLED` at once and its credit is returned (200). Running: it is stopped within about a second and ends `failed` with error `CANCELLED_RUNNING`; its credit pays for the work done (202; follow it at GET /runs/{id}). Ended: 409.",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: {
            "200": json("Execution", "The cancelled run (it was queued)."),
            "202": json("Execution", "The run is running: it is being stopped."),
            "401": unauthorized,
            "404": problem("not-found", "No run with this id for an agent this key is scoped to."),
            "409": problem("not-cancellable", "The run has ended."),
            "429": problem("rate-limited", "Too many requests this minute.", ["Retry-After"]),
          },
        },
      },
      "/runs/{id}/events": {
        get: {
          operationId: "getRunEvents",
          summary: "Follow a run's events",
          description:
            "Server-sent events of a run accepted with `Prefer: respond-async`: `started`, `step` (`kind` tool or model, which tool or model, `durationMs`, `ok`; never the agent's own content), `text` (`delta`: a model agent's output as it is generated), `truncated` (past 500 events), and last `end` (`status`, `errorCode`), after which the stream closes. Each event's `id` is its number: reconnect with `Last-Event-ID` (or `?lastEventId=`) to get every later event once, in order. A run recorded without events (synchronous, or cancelled while queued) sends `end` only. At most 16 open streams per organisation.",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
            {
              name: "Last-Event-ID",
              in: "header",
              required: false,
              schema: { type: "string", pattern: "^[0-9]{1,9}$" },
              description: "The id of the last event received; the stream resumes after it.",
            },
          ],
          responses: {
            "200": {
              description: "The event stream.",
              content: { "text/event-stream": { schema: { type: "string" } } },
            },
            "401": unauthorized,
            "404": problem("not-found", "No run with this id for an agent this key is scoped to."),
            "429": problem(
              "rate-limited",
              "Too many requests this minute, or 16 streams of the organisation already open.",
              ["Retry-After"],
            ),
          },
        },
      },
      "/runs/{id}/receipt": {
        get: {
          operationId: "getReceipt",
          summary: "Get a run's receipt and its Merkle proof",
          description:
            "The canonical record the run's receipt hash covers and, once the platform has attested the batch holding it, the Merkle proof to the root posted on AgentReputation and the attestation transaction. `attestation` is null until the receipt is batched (every minute under `npm start`, or `npm run attest`).",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: {
            "200": json("Receipt", "The receipt and, when batched, its proof."),
            "401": unauthorized,
            "404": problem("not-found", "No finished run with this id for an agent this key is scoped to."),
            "429": problem("rate-limited", "Too many requests this minute.", ["Retry-After"]),
          },
        },
      },
      "/agents": {
        get: {
          operationId: "listAgents",
          summary: "List the agents this key may run",
          responses: {
            "200": json("AgentList", "The key's agents with the organisation's credits left."),
            "401": unauthorized,
            "429": problem("rate-limited", "Too many requests this minute.", ["Retry-After"]),
          },
        },
      },
      "/usage": {
        get: {
          operationId: "getUsage",
          summary: "Usage of the organisation's API runs",
          parameters: [
            {
              name: "from",
              in: "query",
              required: false,
              schema: { type: "string", format: "date" },
              description: "First day (UTC), default: the first of this month.",
            },
            {
              name: "to",
              in: "query",
              required: false,
              schema: { type: "string", format: "date" },
              description: "Last day (UTC, inclusive), default: the end of `from`'s month.",
            },
          ],
          responses: {
            "200": json("Usage", "Runs per agent and key, and per day."),
            "401": unauthorized,
            "422": problem(
              "invalid-request",
              "`from` or `to` is not a date, or the period is reversed or longer than 366 days.",
            ),
            "429": problem("rate-limited", "Too many requests this minute.", ["Retry-After"]),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An organisation API key, `anm_live_…`." },
      },
      headers: {
        ...rateLimitHeaders,
        "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" } },
        "X-Request-Id": {
          description: "This request's id: quote it to support; a run started by it keeps it as `requestId`.",
          schema: { type: "string" },
        },
        Location: { description: "The run's URL.", schema: { type: "string" } },
        "Preference-Applied": {
          description: "`respond-async` when the run was accepted rather than awaited.",
          schema: { type: "string", const: "respond-async" },
        },
        "Idempotent-Replayed": {
          description: "`true` when this is the first result of an earlier request.",
          schema: { type: "string", const: "true" },
        },
        "WWW-Authenticate": { description: "The Bearer challenge.", schema: { type: "string" } },
      },
      schemas: {
        RunRequest: {
          type: "object",
          required: ["input"],
          properties: { input: { description: "The agent's input; must match its `inputSchema` (see GET /agents)." } },
        },
        Execution: {
          type: "object",
          required: [
            "id",
            "agent",
            "version",
            "status",
            "output",
            "error",
            "usage",
            "costWei",
            "creditRefunded",
            "receiptHash",
            "startedAt",
            "finishedAt",
            "links",
          ],
          properties: {
            id: { type: "string", format: "uuid" },
            requestId: {
              type: ["string", "null"],
              description:
                "The `X-Request-Id` of the API request that started the run (null for runs started otherwise).",
            },
            agent: { type: "string" },
            version: { type: ["integer", "null"] },
            status: {
              type: "string",
              enum: ["queued", "running", "succeeded", "failed", "timed_out"],
              description:
                "`queued`: accepted asynchronously, waiting for a worker; `running`; then an end state. A cancelled run is `failed` with error `CANCELLED` (before it started; refunded) or `CANCELLED_RUNNING` (charged).",
            },
            output: { description: "The agent's output when `status` is `succeeded`, else null." },
            error: {
              oneOf: [
                { type: "null" },
                {
                  type: "object",
                  required: ["code", "message"],
                  properties: { code: { type: "string" }, message: { type: ["string", "null"] } },
                },
              ],
            },
            usage: {
              type: "object",
              required: ["tokensIn", "tokensOut", "durationMs"],
              properties: {
                tokensIn: { type: "integer" },
                tokensOut: { type: "integer" },
                durationMs: { type: ["integer", "null"] },
              },
            },
            costWei: { type: "string", pattern: "^\\d+$", description: "The price per run when it ran, in wei." },
            creditRefunded: { type: "boolean" },
            receiptHash: { type: ["string", "null"], description: "SHA-256 over the canonical execution record." },
            startedAt: { type: "string", format: "date-time" },
            finishedAt: { type: ["string", "null"], format: "date-time" },
            links: {
              type: "object",
              required: ["self", "receipt"],
              properties: { self: { type: "string" }, receipt: { type: "string" } },
            },
          },
        },
        Receipt: {
          type: "object",
          required: ["receipt", "receiptHash", "attestation", "verification"],
          properties: {
            receipt: {
              type: "object",
              required: [
                "v",
                "executionId",
                "agentId",
                "versionId",
                "inputHash",
                "outputHash",
                "status",
                "tokensIn",
                "tokensOut",
                "costWei",
                "startedAt",
                "finishedAt",
              ],
              properties: {
                v: { const: 1 },
                executionId: { type: "string" },
                agentId: { type: "string" },
                versionId: { type: ["string", "null"] },
                inputHash: { type: "string" },
                outputHash: { type: ["string", "null"] },
                status: { type: "string" },
                tokensIn: { type: "integer" },
                tokensOut: { type: "integer" },
                costWei: { type: "string" },
                startedAt: { type: "string", format: "date-time" },
                finishedAt: { type: "string", format: "date-time" },
              },
            },
            receiptHash: { type: "string", pattern: "^[0-9a-f]{64}$" },
            attestation: {
              oneOf: [
                { type: "null" },
                {
                  type: "object",
                  required: [
                    "status",
                    "batchId",
                    "chainId",
                    "listingId",
                    "root",
                    "leaf",
                    "leafIndex",
                    "proof",
                    "transactionHash",
                    "attestedAt",
                    "contract",
                  ],
                  properties: {
                    status: { type: "string", enum: ["pending", "attested"] },
                    batchId: { type: "string" },
                    chainId: { type: "integer" },
                    listingId: { type: "string" },
                    root: { type: "string", pattern: "^0x[0-9a-f]{64}$" },
                    leaf: { type: "string", pattern: "^0x[0-9a-f]{64}$" },
                    leafIndex: { type: "integer" },
                    proof: { type: "array", items: { type: "string", pattern: "^0x[0-9a-f]{64}$" } },
                    transactionHash: { type: ["string", "null"] },
                    attestedAt: { type: ["string", "null"], format: "date-time" },
                    contract: { type: "string", description: "The AgentReputation address (lowercase)." },
                  },
                },
              ],
            },
            verification: { type: "object", description: "How to verify the receipt yourself." },
          },
        },
        AgentList: {
          type: "object",
          required: ["data"],
          properties: {
            data: {
              type: "array",
              items: {
                type: "object",
                required: ["slug", "name", "description", "priceWei", "inputSchema", "creditsLeft", "links"],
                properties: {
                  slug: { type: "string" },
                  name: { type: "string" },
                  description: { type: "string" },
                  version: { type: "integer" },
                  priceWei: { type: "string", pattern: "^\\d+$" },
                  inputSchema: { description: "JSON Schema of the input, or null for any JSON." },
                  creditsLeft: { type: "integer" },
                  links: { type: "object", required: ["runs"], properties: { runs: { type: "string" } } },
                },
              },
            },
          },
        },
        Usage: {
          type: "object",
          required: ["organization", "from", "to", "byAgentAndKey", "byDay"],
          properties: {
            organization: { type: "string" },
            from: { type: "string", format: "date-time" },
            to: { type: "string", format: "date-time" },
            byAgentAndKey: {
              type: "array",
              items: {
                type: "object",
                required: ["agent", "key", "runs", "succeeded", "failed", "refunded", "creditsUsed"],
                properties: {
                  agent: { type: "string" },
                  key: {
                    oneOf: [
                      { type: "null" },
                      {
                        type: "object",
                        required: ["id", "name", "prefix"],
                        properties: {
                          id: { type: "string" },
                          name: { type: ["string", "null"] },
                          prefix: { type: ["string", "null"] },
                        },
                      },
                    ],
                  },
                  runs: { type: "integer" },
                  succeeded: { type: "integer" },
                  failed: { type: "integer" },
                  refunded: { type: "integer" },
                  creditsUsed: { type: "integer" },
                },
              },
            },
            byDay: {
              type: "array",
              items: {
                type: "object",
                required: ["day", "runs", "succeeded", "failed", "refunded"],
                properties: {
                  day: { type: "string", format: "date" },
                  runs: { type: "integer" },
                  succeeded: { type: "integer" },
                  failed: { type: "integer" },
                  refunded: { type: "integer" },
                },
              },
            },
          },
        },
        Problem: {
          type: "object",
          required: ["type", "title", "status"],
          properties: {
            type: { type: "string", enum: Object.keys(problemTypes).map((t) => problemTypeUri(t as ProblemType)) },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            instance: { type: "string" },
            errors: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
          },
        },
      },
    },
  } as const;
}
