import type { Metadata } from "next";
import Link from "next/link";
import { OperatorActionForm, PlatformFeeForm } from "@/components/operator/operator-forms";
import { Badge, Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Button } from "@/components/ui/button";
import {
  findAccountsForOperator,
  findAgentsForOperator,
  listAbuseReports,
  listChainCursors,
  listQuarantinedEvents,
  listRequestBlocks,
} from "@/db/queries/operator";
import { attesterBacklog } from "@/db/queries/receipt-batches";
import { restoreAccountAction, suspendAccountAction } from "@/lib/actions/operator/accounts";
import { relistAgentAction, unlistAgentAction } from "@/lib/actions/operator/agents";
import { liftBlockAction } from "@/lib/actions/operator/blocks";
import { setPlatformFeeAction } from "@/lib/actions/operator/platform-fee";
import { closeReportAction } from "@/lib/actions/operator/reports";
import { requireOperatorPage } from "@/lib/auth/operator";
import { resolveChainConfig } from "@/lib/chain/config";
import { platformSettings } from "@/lib/chain/platform-owner";
import { formatDate } from "@/lib/format";
import { isAppError } from "@/lib/errors";

export const metadata: Metadata = { title: "Operator console" };
export const dynamic = "force-dynamic";

const text = (value: string | string[] | undefined) => (typeof value === "string" ? value.slice(0, 200) : "");

/** The chain settings, or why they cannot be read (the rest of the console works without them). */
async function readPlatform() {
  const config = resolveChainConfig();
  if (!config) return { state: "none" as const };
  try {
    return { state: "ok" as const, config, settings: await platformSettings(config) };
  } catch (error) {
    return { state: "unavailable" as const, message: isAppError(error) ? error.message : "The chain cannot be read." };
  }
}

/** A GET search of the console (the URL holds it), keeping the other search's query. */
function SearchForm(props: {
  name: string;
  label: string;
  placeholder: string;
  value: string;
  keep: Record<string, string>;
}) {
  return (
    <form method="get" className="flex gap-2" role="search">
      {Object.entries(props.keep).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Input name={props.name} defaultValue={props.value} placeholder={props.placeholder} aria-label={props.label} />
      <Button type="submit" variant="outline">
        Find
      </Button>
    </form>
  );
}

/**
 * The platform operators' console (OPERATOR_EMAILS / OPERATOR_WALLETS; 404 for anyone else):
 * abuse reports, agents (unlist, list again), accounts (suspend, restore), threat-detection
 * blocks, the platform fee on-chain, the attester's and the indexer's state. Every change is
 * on the platform trail (/operator/activity).
 */
export default async function OperatorPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { db } = await requireOperatorPage("/operator");
  const query = await searchParams;
  const agentQuery = text(query.agent);
  const accountQuery = text(query.account);
  const now = new Date();
  const [reports, agents, accounts, blocks, quarantined, cursors, attester, platform] = await Promise.all([
    listAbuseReports(db, { status: "open" }),
    findAgentsForOperator(db, { query: agentQuery }),
    findAccountsForOperator(db, { query: accountQuery }),
    listRequestBlocks(db, { now }),
    listQuarantinedEvents(db, { limit: 50 }),
    listChainCursors(db),
    attesterBacklog(db),
    readPlatform(),
  ]);
  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-3xl font-bold tracking-tight">Operator console</h1>
        <Link href="/operator/activity" className="touch-target ml-auto text-sm text-primary hover:underline">
          Platform activity →
        </Link>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Abuse reports</CardTitle>
          <p className="text-sm text-muted-foreground">Open reports that users filed from agent pages, newest first.</p>
        </CardHeader>
        <CardContent>
          {reports.length ? (
            <ul className="divide-y rounded-md border text-sm" aria-label="Open abuse reports">
              {reports.map((r) => (
                <li key={r.id} className="space-y-2 p-3">
                  <p className="flex flex-wrap items-center gap-2">
                    <Link href={`/agents/${r.agentSlug}`} className="font-medium text-primary hover:underline">
                      {r.agentName}
                    </Link>
                    <Badge>{r.reason}</Badge>
                    {r.agentUnlistedAt ? <Badge className="bg-amber-100 text-amber-900">unlisted</Badge> : null}
                    <span className="text-xs text-muted-foreground">
                      by {r.reporterEmail ?? r.reporterName ?? "an erased account"} · {formatDate(r.createdAt)}
                    </span>
                  </p>
                  {r.details ? <p className="whitespace-pre-line">{r.details}</p> : null}
                  <div className="flex flex-wrap gap-3">
                    {r.agentUnlistedAt ? null : (
                      <OperatorActionForm
                        action={unlistAgentAction}
                        fields={{ agentId: r.agentId }}
                        reason="Why (shown to the creator)"
                        label="Unlist agent"
                        pendingLabel="Unlisting…"
                        variant="destructive"
                      />
                    )}
                    <OperatorActionForm
                      action={closeReportAction}
                      fields={{ reportId: r.id, status: "resolved" }}
                      label="Resolved"
                      pendingLabel="Saving…"
                    />
                    <OperatorActionForm
                      action={closeReportAction}
                      fields={{ reportId: r.id, status: "dismissed" }}
                      label="Dismiss"
                      pendingLabel="Saving…"
                    />
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-muted-foreground">No open reports.</p>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Agents</CardTitle>
          <p className="text-sm text-muted-foreground">
            An unlisted agent is hidden from the marketplace, its API runs are refused (problem{" "}
            <code>agent-unlisted</code>), its on-chain listing is suspended (nobody can pay for it) and its creator sees
            why. Without a search, the unlisted ones.
          </p>
        </CardHeader>
        <CardContent className="space-y-3">
          <SearchForm
            name="agent"
            label="Find agents"
            placeholder="Slug, name or id"
            value={agentQuery}
            keep={{ account: accountQuery }}
          />
          <ul className="divide-y rounded-md border text-sm" aria-label="Agents">
            {agents.map((a) => (
              <li key={a.id} className="space-y-2 p-3">
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{a.name}</span>
                  <code className="text-xs">{a.slug}</code>
                  <Badge>{a.status}</Badge>
                  {a.unlistedAt ? <Badge className="bg-amber-100 text-amber-900">unlisted</Badge> : null}
                  {a.openReports ? (
                    <Badge className="bg-red-100 text-red-900">{a.openReports} open reports</Badge>
                  ) : null}
                  <span className="text-xs text-muted-foreground">by {a.ownerEmail ?? a.ownerName}</span>
                </p>
                {a.unlistedAt ? (
                  <p className="text-xs text-muted-foreground">
                    Unlisted {formatDate(a.unlistedAt)}: {a.unlistedReason}
                  </p>
                ) : null}
                {a.unlistedAt ? (
                  <div className="flex flex-wrap gap-3">
                    <OperatorActionForm
                      action={relistAgentAction}
                      fields={{ agentId: a.id }}
                      label="List again"
                      pendingLabel="Listing…"
                    />
                    {a.listingId ? (
                      // Unlisting suspends the on-chain listing; should that have failed, this retries it.
                      <OperatorActionForm
                        action={unlistAgentAction}
                        fields={{ agentId: a.id, reason: a.unlistedReason || "unlisted by the operators" }}
                        label="Suspend on-chain again"
                        pendingLabel="Sending…"
                      />
                    ) : null}
                  </div>
                ) : (
                  <OperatorActionForm
                    action={unlistAgentAction}
                    fields={{ agentId: a.id }}
                    reason="Why (shown to the creator)"
                    label="Unlist"
                    pendingLabel="Unlisting…"
                    variant="destructive"
                  />
                )}
              </li>
            ))}
            {agents.length ? null : <li className="p-3 text-muted-foreground">No agents found.</li>}
          </ul>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Accounts</CardTitle>
          <p className="text-sm text-muted-foreground">
            A suspended account cannot sign in, its sessions end, and the API keys it created are refused (problem{" "}
            <code>account-suspended</code>). Without a search, the suspended ones.
          </p>
        </CardHeader>
        <CardContent className="space-y-3">
          <SearchForm
            name="account"
            label="Find accounts"
            placeholder="Email, name or id"
            value={accountQuery}
            keep={{ agent: agentQuery }}
          />
          <ul className="divide-y rounded-md border text-sm" aria-label="Accounts">
            {accounts.map((u) => (
              <li key={u.id} className="space-y-2 p-3">
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{u.email ?? u.name}</span>
                  <span className="text-xs text-muted-foreground">since {formatDate(u.createdAt)}</span>
                  {u.suspendedAt ? <Badge className="bg-red-100 text-red-900">suspended</Badge> : null}
                </p>
                {u.suspendedAt ? (
                  <>
                    <p className="text-xs text-muted-foreground">
                      Suspended {formatDate(u.suspendedAt)}: {u.suspendedReason}
                    </p>
                    <OperatorActionForm
                      action={restoreAccountAction}
                      fields={{ userId: u.id }}
                      label="Restore"
                      pendingLabel="Restoring…"
                    />
                  </>
                ) : (
                  <OperatorActionForm
                    action={suspendAccountAction}
                    fields={{ userId: u.id }}
                    reason="Why (shown to the account)"
                    label="Suspend"
                    pendingLabel="Suspending…"
                    variant="destructive"
                  />
                )}
              </li>
            ))}
            {accounts.length ? null : <li className="p-3 text-muted-foreground">No accounts found.</li>}
          </ul>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Threat detection</CardTitle>
          <p className="text-sm text-muted-foreground">
            Sources blocked now (answered 429 with Retry-After): bursts of refused requests, repeated failed sign-ins,
            scanner probes. Thresholds are set by THREAT_* in the environment; each block is on the platform trail (
            <code>threat.blocked</code>).
          </p>
        </CardHeader>
        <CardContent>
          {blocks.length ? (
            <ul className="divide-y rounded-md border text-sm" aria-label="Blocked sources">
              {blocks.map((b) => (
                <li key={b.source} className="flex flex-wrap items-center gap-3 p-3">
                  <code>{b.source}</code>
                  <span>{b.reason}</span>
                  <span className="text-xs text-muted-foreground">until {b.blockedUntil.toISOString()}</span>
                  <OperatorActionForm
                    action={liftBlockAction}
                    fields={{ source: b.source }}
                    label="Lift"
                    pendingLabel="Lifting…"
                  />
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-muted-foreground">Nothing is blocked.</p>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Platform fee</CardTitle>
          <p className="text-sm text-muted-foreground">
            Read from the AgentMarketplace contract; changed through its owner&apos;s function, for purchases from then
            on.
          </p>
        </CardHeader>
        <CardContent className="space-y-3 text-sm">
          {platform.state === "ok" ? (
            <>
              <dl className="grid grid-cols-2 gap-2" data-testid="platform-settings">
                <dt className="text-muted-foreground">Fee on-chain</dt>
                <dd>
                  {platform.settings.feeBps} basis points ({(platform.settings.feeBps / 100).toFixed(2)} %)
                </dd>
                <dt className="text-muted-foreground">Fee recipient</dt>
                <dd>
                  <code>{platform.settings.feeRecipient}</code>
                </dd>
                <dt className="text-muted-foreground">Contract owner</dt>
                <dd>
                  <code>{platform.settings.owner}</code>
                </dd>
                <dt className="text-muted-foreground">Purchases</dt>
                <dd>{platform.settings.paused ? "paused" : "open"}</dd>
              </dl>
              {platform.settings.ownerKeyHeld ? (
                <PlatformFeeForm
                  action={setPlatformFeeAction}
                  feeBps={platform.settings.feeBps}
                  maxFeeBps={platform.settings.maxFeeBps}
                />
              ) : (
                <p className="text-muted-foreground">
                  To change it from here, set MARKETPLACE_OWNER_PRIVATE_KEY to the contract owner&apos;s key.
                </p>
              )}
            </>
          ) : platform.state === "none" ? (
            <p className="text-muted-foreground">No chain is configured.</p>
          ) : (
            <p className="text-muted-foreground">{platform.message}</p>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Chain work</CardTitle>
        </CardHeader>
        <CardContent className="space-y-4 text-sm">
          <dl className="grid grid-cols-2 gap-2" data-testid="attester-state">
            <dt className="text-muted-foreground">Receipts waiting for a batch</dt>
            <dd>{attester.unbatchedReceipts}</dd>
            <dt className="text-muted-foreground">Batches waiting to be attested</dt>
            <dd>{attester.pendingBatches}</dd>
            <dt className="text-muted-foreground">Last attestation</dt>
            <dd>
              {attester.lastAttested?.attestedAt
                ? `${formatDate(attester.lastAttested.attestedAt)}, ${attester.lastAttested.runs} runs`
                : "none yet"}
            </dd>
            {cursors.map((c) => (
              <div key={`${c.chainId}:${c.contractAddress}`} className="contents">
                <dt className="text-muted-foreground">
                  Indexed on chain {c.chainId}, <code>{c.contractAddress.slice(0, 10)}…</code>
                </dt>
                <dd>to block {c.lastBlock.toString()}</dd>
              </div>
            ))}
          </dl>
          <div className="space-y-2">
            <h3 className="font-semibold">Quarantined chain events ({quarantined.length})</h3>
            {quarantined.length ? (
              <ul className="divide-y rounded-md border" aria-label="Quarantined chain events">
                {quarantined.map((q) => (
                  <li key={q.id} className="space-y-1 p-3">
                    <p>
                      <span className="font-medium">{q.eventName}</span> at block {q.blockNumber.toString()},{" "}
                      <code className="break-all text-xs">{q.txHash}</code> #{q.logIndex}
                    </p>
                    <p className="text-muted-foreground">{q.reason}</p>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-muted-foreground">None: every event the indexer read was applied.</p>
            )}
          </div>
        </CardContent>
      </Card>
    </div>
  );
}
