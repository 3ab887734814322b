import type { Metadata } from "next";
import Link from "next/link";
import { CreateWebhookForm, ReplayDeliveryButton, WebhookEndpointActions } from "@/components/orgs/webhooks";
import { Badge, Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { listWebhookAttempts, listWebhookDeliveries, listWebhookEndpoints } from "@/db/queries/webhooks";
import { requireOrgPage } from "@/lib/auth/org-page";
import { MAX_ENDPOINTS_PER_ORG, webhookEventDescriptions, webhookEventTypes } from "@/lib/webhooks/events";

export const metadata: Metadata = { title: "Webhooks" };

const utc = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 19)} UTC`;

const statusStyle: Record<string, string> = {
  delivered: "text-emerald-700",
  pending: "text-amber-700",
  failed: "text-destructive",
  cancelled: "text-muted-foreground",
};

/**
 * An organisation's webhooks: endpoints (those whose role manages webhooks add, test, rotate,
 * disable and delete them) and the latest deliveries with every attempt's status and time.
 */
export default async function WebhooksPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { orgId } = await params;
  const search = await searchParams;
  const { db, org, may } = await requireOrgPage(orgId, `/orgs/${orgId}/webhooks`);
  const managesWebhooks = may("webhooks.manage");
  const endpoints = await listWebhookEndpoints(db, { orgId });
  const chosen = typeof search.endpoint === "string" ? search.endpoint : undefined;
  const endpointFilter = endpoints.find((e) => e.id === chosen)?.id;
  const deliveries = await listWebhookDeliveries(db, { orgId, endpointId: endpointFilter, limit: 50 });
  const attempts = await listWebhookAttempts(db, { orgId, deliveryIds: deliveries.map((d) => d.id) });
  const attemptsOf = new Map<string, typeof attempts>();
  for (const a of attempts) attemptsOf.set(a.deliveryId, [...(attemptsOf.get(a.deliveryId) ?? []), a]);
  const urlOf = new Map(endpoints.map((e) => [e.id, e.url]));
  const events = webhookEventTypes.map((type) => ({ type, description: webhookEventDescriptions[type] }));

  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <Link href={`/orgs/${orgId}`} className="touch-target text-sm text-muted-foreground hover:underline">
        ← {org.name}
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-3xl font-bold tracking-tight">Webhooks</h1>
        <Link href="/docs/api#webhooks" className="touch-target ml-auto text-sm text-primary hover:underline">
          How to verify deliveries →
        </Link>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Endpoints</CardTitle>
          <p className="text-sm text-muted-foreground">
            Each event is POSTed as JSON, signed per Standard Webhooks (<code>webhook-id</code>,{" "}
            <code>webhook-timestamp</code>, <code>webhook-signature</code>). A failed delivery is retried for about
            three days; an endpoint that answers <code>410 Gone</code> is disabled.
          </p>
        </CardHeader>
        <CardContent className="space-y-6">
          {endpoints.length ? (
            <ul className="divide-y rounded-md border text-sm" aria-label="Webhook endpoints">
              {endpoints.map((e) => (
                <li key={e.id} className="space-y-2 p-3">
                  <div className="flex flex-wrap items-center gap-2">
                    <code className="min-w-0 break-all font-medium">{e.url}</code>
                    {e.disabledAt ? <Badge>disabled</Badge> : <Badge>enabled</Badge>}
                  </div>
                  {e.description ? <p className="text-muted-foreground">{e.description}</p> : null}
                  <p className="text-xs text-muted-foreground">
                    {e.events.join(", ")} · added {utc(e.createdAt)}
                    {e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date()
                      ? ` · previous secret also signs until ${utc(e.previousSecretExpiresAt)}`
                      : ""}
                  </p>
                  {e.disabledAt ? (
                    <p className="text-xs text-destructive">
                      Disabled {utc(e.disabledAt)}: {e.disabledReason}
                    </p>
                  ) : null}
                  <p className="text-xs">
                    <Link href={`/orgs/${orgId}/webhooks?endpoint=${e.id}`} className="text-link">
                      Deliveries to this endpoint
                    </Link>
                  </p>
                  {managesWebhooks ? (
                    <WebhookEndpointActions orgId={orgId} endpointId={e.id} url={e.url} enabled={!e.disabledAt} />
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-muted-foreground">No endpoints yet.</p>
          )}
          {managesWebhooks ? (
            endpoints.length < MAX_ENDPOINTS_PER_ORG ? (
              <div className="space-y-3 border-t pt-4">
                <h3 className="font-medium">Add an endpoint</h3>
                <CreateWebhookForm orgId={orgId} events={events} />
              </div>
            ) : (
              <p className="text-sm text-muted-foreground">
                An organisation has at most {MAX_ENDPOINTS_PER_ORG} endpoints; delete one to add another.
              </p>
            )
          ) : (
            <p className="text-sm text-muted-foreground">
              Owners, admins and developers of this organisation manage webhooks.
            </p>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Deliveries</CardTitle>
          <p className="text-sm text-muted-foreground">
            {endpointFilter ? (
              <>
                To <code>{urlOf.get(endpointFilter)}</code> ·{" "}
                <Link href={`/orgs/${orgId}/webhooks`} className="text-link">
                  all endpoints
                </Link>
              </>
            ) : (
              "The latest 50, newest first. Kept for 30 days."
            )}
          </p>
        </CardHeader>
        <CardContent>
          {deliveries.length === 0 ? (
            <p className="text-sm text-muted-foreground">No deliveries yet.</p>
          ) : (
            <ul className="divide-y rounded-md border text-sm" aria-label="Webhook deliveries">
              {deliveries.map((d) => {
                const tries = attemptsOf.get(d.id) ?? [];
                return (
                  <li key={d.id} className="space-y-1 p-3" data-testid="webhook-delivery">
                    <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                      <code className="font-medium">{d.eventType}</code>
                      <span className={statusStyle[d.status]} data-testid="webhook-delivery-status">
                        {d.status}
                      </span>
                      <span className="text-xs text-muted-foreground">
                        {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
                        {d.lastStatusCode ? ` · last HTTP ${d.lastStatusCode}` : ""}
                        {d.status === "pending" && d.attempts > 0 ? ` · next ${utc(d.nextAttemptAt)}` : ""}
                      </span>
                      <span className="ml-auto text-xs text-muted-foreground">{utc(d.createdAt)}</span>
                      {managesWebhooks ? <ReplayDeliveryButton orgId={orgId} deliveryId={d.id} /> : null}
                    </div>
                    <p className="break-all text-xs text-muted-foreground">
                      <code>msg_{d.id}</code> → {urlOf.get(d.endpointId)}
                    </p>
                    {d.lastError && d.status !== "delivered" ? (
                      <p className="break-all text-xs text-destructive">{d.lastError}</p>
                    ) : null}
                    {tries.length ? (
                      <details className="text-xs">
                        <summary className="touch-target cursor-pointer text-muted-foreground">Attempts</summary>
                        <table className="mt-1 w-full text-left">
                          <thead>
                            <tr className="text-muted-foreground">
                              <th className="font-normal">When</th>
                              <th className="font-normal">Status</th>
                              <th className="font-normal">Response time</th>
                              <th className="font-normal">Error</th>
                            </tr>
                          </thead>
                          <tbody>
                            {tries.map((a) => (
                              <tr key={a.attemptedAt.toISOString()} data-testid="webhook-attempt">
                                <td>{utc(a.attemptedAt)}</td>
                                <td>{a.statusCode ?? "no answer"}</td>
                                <td>{a.durationMs} ms</td>
                                <td className="break-all">{a.error ?? ""}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </details>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
