import { appOrigin } from "@/lib/http/app-origin";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { BuyerUsage } from "@/components/dashboards/buyer-usage";
import { CreateApiKeyForm, RevokeApiKeyButton } from "@/components/orgs/api-keys";
import { StatusBadge } from "@/components/studio/status-badge";
import { Badge, Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { listApiKeys, listKeyableAgents } from "@/db/queries/api-keys";
import { listAuditEntriesForOrg } from "@/db/queries/audit-log";
import { listOrgApiExecutions, listOrgCreditBalances } from "@/db/queries/api-runs";
import { requireOrgPage } from "@/lib/auth/org-page";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "API keys and usage" };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;

/** The organisation's API console: credits per agent, keys, usage per key and day, recent runs. */
export default async function ApiConsolePage({
  params,
  searchParams,
}: {
  params: Promise<{ orgId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { orgId } = await params;
  const search = await searchParams;
  const { db, org, may } = await requireOrgPage(orgId, `/orgs/${orgId}/api`);
  const managesKeys = may("api_keys.manage");
  const onlyFailures = one(search.runs) === "failed";
  const [balances, keys, keyable, runs, keyActivity] = await Promise.all([
    listOrgCreditBalances(db, { orgId }),
    listApiKeys(db, { orgId }),
    listKeyableAgents(db, { orgId }),
    listOrgApiExecutions(db, { orgId, limit: 50, onlyFailures }),
    listAuditEntriesForOrg(db, { orgId, targetType: "api_key", limit: 20 }),
  ]);
  const agentName = new Map(keyable.map((a) => [a.id, a.name]));
  const versionLabel = new Map(
    keyable.flatMap((a) => a.versions.map((v) => [v.id, `${a.name} v${v.version}`] as const)),
  );
  const origin = appOrigin();

  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <Link href={`/orgs/${orgId}`} className="touch-target text-sm text-muted-foreground hover:underline">
        ← {org.name}
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-3xl font-bold tracking-tight">API keys and usage</h1>
        <Link href={`/orgs/${orgId}/webhooks`} className="touch-target ml-auto text-sm text-primary hover:underline">
          Webhooks →
        </Link>
        <Link href="/docs/api" className="touch-target text-sm text-primary hover:underline">
          API reference →
        </Link>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Credits</CardTitle>
        </CardHeader>
        <CardContent>
          {balances.length === 0 ? (
            <p className="text-sm text-muted-foreground">
              No credits yet. Buy runs on an agent&apos;s page in the{" "}
              <Link href="/agents" className="text-primary hover:underline">
                marketplace
              </Link>
              .
            </p>
          ) : (
            <ul className="divide-y rounded-md border text-sm" aria-label="Credits per agent">
              {balances.map((b) => (
                <li key={b.agentId} className="flex items-center gap-3 p-3">
                  <Link href={`/agents/${b.slug}`} className="touch-target flex-1 font-medium hover:underline">
                    {b.name}
                  </Link>
                  <span data-testid="agent-credits-left">
                    {b.granted - b.used} of {b.granted} runs left
                  </span>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>API keys</CardTitle>
          <p className="text-sm text-muted-foreground">
            Keys run only their chosen agents, within their rate limit and monthly cap. Only a hash of each key is
            stored.
          </p>
        </CardHeader>
        <CardContent className="space-y-6">
          {keys.length ? (
            <ul className="divide-y rounded-md border text-sm" aria-label="API keys">
              {keys.map((k) => (
                <li key={k.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 p-3">
                  <div className="min-w-0 flex-1">
                    <p className="font-medium">
                      {k.name} <code className="text-xs text-muted-foreground">{k.prefix}…</code>
                    </p>
                    <p className="text-xs text-muted-foreground">
                      {k.agentIds.map((id) => agentName.get(id) ?? "removed agent").join(", ")} · {k.rateLimitPerMinute}
                      /min
                      {k.monthlyRunCap ? ` · ${k.monthlyRunCap} runs/month` : ""}
                      {k.pinnedVersionId ? ` · pinned to ${versionLabel.get(k.pinnedVersionId) ?? "a version"}` : ""}
                    </p>
                    <p className="text-xs text-muted-foreground">
                      created {formatDate(k.createdAt)} ·{" "}
                      {k.lastUsedAt
                        ? `last used ${k.lastUsedAt.toISOString().replace("T", " ").slice(0, 16)} UTC`
                        : "never used"}
                    </p>
                  </div>
                  {k.revokedAt ? (
                    <Badge>revoked</Badge>
                  ) : managesKeys ? (
                    <RevokeApiKeyButton orgId={orgId} keyId={k.id} name={k.name} />
                  ) : (
                    <Badge>active</Badge>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-muted-foreground">No keys yet.</p>
          )}
          {keyActivity.length ? (
            <div className="space-y-2">
              <h3 className="text-sm font-medium">Key activity</h3>
              <ul className="space-y-1 text-xs" aria-label="Key activity">
                {keyActivity.map((a) => (
                  <li key={a.id} className="flex gap-3">
                    <span className="w-40 shrink-0 text-muted-foreground">
                      {a.createdAt.toISOString().replace("T", " ").slice(0, 16)} UTC
                    </span>
                    <span>
                      {a.actorName ?? a.actorEmail ?? "someone"} · {a.action} ·{" "}
                      {String((a.metadata as { name?: string }).name ?? "")}{" "}
                      <code>{String((a.metadata as { prefix?: string }).prefix ?? "")}</code>
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {managesKeys ? (
            <div className="space-y-3 border-t pt-4">
              <h3 className="font-medium">Create a key</h3>
              <CreateApiKeyForm orgId={orgId} agents={keyable} origin={origin} />
            </div>
          ) : (
            <p className="text-sm text-muted-foreground">
              Owners, admins and developers of this organisation create and revoke keys.
            </p>
          )}
        </CardContent>
      </Card>

      <Suspense>
        <BuyerUsage
          orgId={orgId}
          agents={keyable.map((a) => ({ id: a.id, name: a.name }))}
          keys={keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix }))}
        />
      </Suspense>

      <Card>
        <CardHeader>
          <CardTitle>Recent API runs</CardTitle>
          <p className="text-sm">
            <Link
              href={`/orgs/${orgId}/api`}
              aria-current={!onlyFailures ? "page" : undefined}
              className={onlyFailures ? "text-primary hover:underline" : "font-medium"}
            >
              All
            </Link>{" "}
            ·{" "}
            <Link
              href={`/orgs/${orgId}/api?runs=failed`}
              aria-current={onlyFailures ? "page" : undefined}
              className={onlyFailures ? "font-medium" : "text-primary hover:underline"}
            >
              Failures
            </Link>
          </p>
        </CardHeader>
        <CardContent>
          {runs.length === 0 ? (
            <p className="text-sm text-muted-foreground">No runs{onlyFailures ? " failed" : " yet"}.</p>
          ) : (
            <ul className="divide-y rounded-md border text-sm" aria-label="Recent API runs">
              {runs.map((r) => (
                <li key={r.id} className="flex flex-wrap items-center gap-3 p-3">
                  <StatusBadge status={r.status} />
                  <Link
                    href={`/orgs/${orgId}/runs/${r.id}`}
                    className="touch-target font-medium text-primary hover:underline"
                  >
                    {r.agentSlug} v{r.version}
                  </Link>
                  <span className="text-xs text-muted-foreground">{r.keyName ?? "—"}</span>
                  {r.errorCode ? <code className="text-xs text-destructive">{r.errorCode}</code> : null}
                  {r.creditRefunded ? <Badge>refunded</Badge> : null}
                  <span className="ml-auto text-xs text-muted-foreground">
                    {r.startedAt.toISOString().replace("T", " ").slice(0, 19)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
