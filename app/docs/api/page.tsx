import { appOrigin } from "@/lib/http/app-origin";
import type { Metadata } from "next";
import { CopyButton } from "@/components/docs/copy-button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { openApiDocument } from "@/lib/api/openapi";
import { problemTypes, problemTypeUri, type ProblemType } from "@/lib/api/problem";
import { webhookEventDescriptions, webhookEventTypes } from "@/lib/webhooks/events";

export const metadata: Metadata = { title: "API reference" };

type Op = {
  operationId: string;
  summary: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: unknown;
  responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
};

const examples: Record<string, { path: string; body?: string; headers?: string[] }> = {
  createRun: {
    path: "/agents/csv-stats/runs",
    body: '{"input": {"csv": "a,b\\n1,2\\n3,4"}}',
    headers: ["Idempotency-Key: 7d0f6a6e-invoice-2026-001"],
  },
  getRun: { path: "/runs/RUN_ID" },
  cancelRun: { path: "/runs/RUN_ID/cancel" },
  getRunEvents: { path: "/runs/RUN_ID/events", headers: ["Accept: text/event-stream"] },
  getReceipt: { path: "/runs/RUN_ID/receipt" },
  listAgents: { path: "/agents" },
  getUsage: { path: "/usage?from=2026-11-01&to=2026-11-30" },
};

function curlFor(base: string, method: string, op: Op): string {
  const example = examples[op.operationId]!;
  const lines = [
    `curl${method === "get" ? "" : ` -X ${method.toUpperCase()}`} "${base}${example.path}"`,
    '  -H "Authorization: Bearer $AINOMADS_API_KEY"',
  ];
  for (const h of example.headers ?? []) lines.push(`  -H "${h}"`);
  if (example.body) lines.push('  -H "Content-Type: application/json"', `  -d '${example.body}'`);
  return lines.join(" \\\n");
}

/** The public API's reference, rendered from the same OpenAPI document the API serves. */
export default function ApiDocsPage() {
  const origin = appOrigin();
  const doc = openApiDocument(origin);
  const base = doc.servers[0].url;
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Op>).map(([method, op]) => ({ path, method, op })),
  );
  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <div className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">{doc.info.title}</h1>
        <p className="text-muted-foreground">{doc.info.description}</p>
        <p className="text-sm">
          Base URL <code>{base}</code> · machine-readable:{" "}
          <a className="text-primary hover:underline" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>{" "}
          (OpenAPI {doc.openapi})
        </p>
        <p className="text-sm text-muted-foreground">
          Create a key under your organisation → API keys and usage, then{" "}
          <code>export AINOMADS_API_KEY=anm_live_…</code>. Every response carries <code>RateLimit-Limit</code>,{" "}
          <code>RateLimit-Remaining</code> and <code>RateLimit-Reset</code>; a 429 adds <code>Retry-After</code>.
        </p>
      </div>
      {operations.map(({ path, method, op }) => {
        const curl = curlFor(base, method, op);
        return (
          <Card key={op.operationId} id={op.operationId}>
            <CardHeader>
              <CardTitle className="flex flex-wrap items-center gap-2">
                <span className="rounded bg-accent px-2 py-0.5 font-mono text-xs uppercase text-accent-foreground">
                  {method}
                </span>
                <code className="text-base">{path}</code>
                <span className="text-sm font-normal text-muted-foreground">{op.summary}</span>
              </CardTitle>
              {op.description ? <p className="text-sm text-muted-foreground">{op.description}</p> : null}
            </CardHeader>
            <CardContent className="space-y-3 text-sm">
              {op.parameters?.length ? (
                <ul className="space-y-1">
                  {op.parameters.map((p) => (
                    <li key={p.name}>
                      <code>{p.name}</code>{" "}
                      <span className="text-xs text-muted-foreground">
                        ({p.in}
                        {p.required ? ", required" : ""})
                      </span>{" "}
                      {p.description}
                    </li>
                  ))}
                </ul>
              ) : null}
              <div className="relative">
                <pre className="overflow-x-auto rounded-md bg-muted p-3 text-xs" data-testid={`curl-${op.operationId}`}>
                  {curl}
                </pre>
                <CopyButton text={curl} className="absolute right-2 top-2" />
              </div>
              <table className="w-full text-left text-xs">
                <tbody>
                  {Object.entries(op.responses).map(([status, r]) => (
                    <tr key={status} className="border-t align-top">
                      <td className="w-12 py-1 font-mono">{status}</td>
                      <td className="py-1">
                        {r.description}
                        {r.headers ? (
                          <span className="text-muted-foreground"> · headers: {Object.keys(r.headers).join(", ")}</span>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </CardContent>
          </Card>
        );
      })}
      <Card id="problems">
        <CardHeader>
          <CardTitle>Problem types</CardTitle>
          <p className="text-sm text-muted-foreground">
            Errors are <code>application/problem+json</code> (RFC 9457). Branch on <code>type</code>;{" "}
            <code>detail</code> is for people.
          </p>
        </CardHeader>
        <CardContent>
          <ul className="space-y-2 text-sm">
            {(Object.keys(problemTypes) as ProblemType[]).map((t) => (
              <li key={t} id={`problem-${t}`}>
                <code>{problemTypeUri(t)}</code> — {problemTypes[t].status} {problemTypes[t].title}
              </li>
            ))}
          </ul>
        </CardContent>
      </Card>
      <Card id="webhooks">
        <CardHeader>
          <CardTitle>Webhooks</CardTitle>
          <p className="text-sm text-muted-foreground">
            An organisation&apos;s owners add endpoints on its Webhooks page and choose the events they receive.
          </p>
        </CardHeader>
        <CardContent className="space-y-3 text-sm">
          <ul className="space-y-1">
            {webhookEventTypes.map((type) => (
              <li key={type}>
                <code>{type}</code> — {webhookEventDescriptions[type]}
              </li>
            ))}
          </ul>
          <p>
            Each delivery is a POST of <code>{"{ type, timestamp, data }"}</code> as JSON, signed per{" "}
            <a href="https://www.standardwebhooks.com/" className="text-link">
              Standard Webhooks
            </a>
            : <code>webhook-id</code> (the same on every retry: deduplicate on it), <code>webhook-timestamp</code> and{" "}
            <code>webhook-signature</code>, an HMAC-SHA256 of <code>id.timestamp.body</code> with the endpoint&apos;s{" "}
            <code>whsec_</code> secret. For a day after a secret is rotated, deliveries carry a signature from each
            secret. Verify with any Standard Webhooks library:
          </p>
          <pre className="overflow-x-auto rounded-md bg-muted p-3 text-xs">{verifyExample}</pre>
          <p>
            Answer with a 2xx within 10 seconds. Anything else (or no answer) is retried with backoff for about three
            days (5 s, 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 20 h, each ±20 %), never sooner than your{" "}
            <code>Retry-After</code>; redirects are not followed; <code>410 Gone</code> disables the endpoint.
          </p>
        </CardContent>
      </Card>
    </div>
  );
}

const verifyExample = `import { Webhook } from "standardwebhooks";

const wh = new Webhook(process.env.AI_NOMADS_WEBHOOK_SECRET); // whsec_...
// body: the raw request body as received, not re-serialised JSON
const event = wh.verify(body, {
  "webhook-id": req.headers["webhook-id"],
  "webhook-timestamp": req.headers["webhook-timestamp"],
  "webhook-signature": req.headers["webhook-signature"],
});
if (event.type === "run.succeeded") fetchRun(event.data.url);`;
