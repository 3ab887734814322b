import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getAddress } from "viem";
import { Badge, Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/lib/db";
import { getAgentRunStats, getPublishedInterface, listPublicVersions } from "@/db/queries/agent-stats";
import { agentRatingDistribution } from "@/db/queries/dashboards";
import { ActivityChart } from "@/components/agents/activity-chart";
import { ExampleRequestTabs } from "@/components/agents/example-requests";
import { SchemaView } from "@/components/agents/schema-view";
import { exampleRequests, exampleValue } from "@/lib/agents/example-request";
import { agentActivity } from "@/lib/dashboards/data";
import { appOrigin } from "@/lib/http/app-origin";
import { getAgentRatingSummary, getPublishedAgentBySlug } from "@/db/queries/agents";
import { BuyPanel } from "@/components/agents/buy-panel";
import { RatePanel } from "@/components/agents/rate-panel";
import { ReportAgent } from "@/components/agents/report-agent";
import { listRateablePurchases } from "@/db/queries/purchases";
import { listAgentReviews } from "@/db/queries/ratings";
import { listOrganizationsForUser } from "@/db/queries/organizations";
import { readAgentRating, readListingState, readRatedFlags } from "@/lib/chain/agent-reputation";
import { publicChainConfig, resolveChainConfig } from "@/lib/chain/config";
import { getSessionUser } from "@/lib/auth/session";
import { formatDate, formatWei } from "@/lib/format";
import { shortAddress } from "@/lib/utils";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const agent = await getPublishedAgentBySlug(await getDb(), { slug: (await params).slug });
  return {
    title: agent?.name ?? "Agent not found",
    description: agent?.description,
    ...(agent?.unlistedAt ? { robots: { index: false } } : {}),
  };
}

export default async function AgentPage({ params }: Props) {
  const db = await getDb();
  const agent = await getPublishedAgentBySlug(db, { slug: (await params).slug });
  if (!agent) notFound();
  const user = await getSessionUser();
  const [stats, versions, rating, orgs, reviews, weighted, contract, activity, distribution] = await Promise.all([
    getAgentRunStats(db, { agentId: agent.id }),
    listPublicVersions(db, { agentId: agent.id }),
    readAgentRating(agent),
    user ? listOrganizationsForUser(db, { userId: user.id }) : Promise.resolve([]),
    listAgentReviews(db, { agentId: agent.id }),
    getAgentRatingSummary(db, { agentId: agent.id }),
    getPublishedInterface(db, { agentId: agent.id }),
    agentActivity(db, { agentId: agent.id }),
    agentRatingDistribution(db, { agentId: agent.id }),
  ]);
  const examples = exampleRequests(appOrigin(), agent.slug, exampleValue(contract.inputSchema));
  const ratingsGiven = distribution.reduce((n, d) => n + d.ratings, 0);
  const chainConfig = resolveChainConfig();
  const onChainListing =
    agent.listingId && chainConfig && agent.listingChainId === chainConfig.chainId
      ? await readListingState(agent.listingId)
      : null;
  const onChainPrice = onChainListing?.active ? onChainListing.priceWei : null;
  const purchasesOfMine =
    user && agent.listingId ? await listRateablePurchases(db, { agentId: agent.id, userId: user.id }) : [];
  const rated = await readRatedFlags(purchasesOfMine.map((p) => p.onchainPurchaseId));
  const rateable = purchasesOfMine
    .filter((p) => rated[p.onchainPurchaseId] === false)
    .map((p) => ({ purchaseId: p.onchainPurchaseId, buyer: p.buyerAddress, runs: p.runs }));
  const chain =
    chainConfig && agent.listingId && agent.listingChainId === chainConfig.chainId
      ? publicChainConfig(chainConfig)
      : null;
  const payees = agent.payees as { address: string; shareBps: number }[];
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_320px]">
      <div className="space-y-6">
        <div className="space-y-3">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-3xl font-bold tracking-tight">{agent.name}</h1>
            <Badge className="bg-accent text-accent-foreground">{agent.category}</Badge>
          </div>
          <p className="text-sm text-muted-foreground">
            by {agent.creatorName ?? "unknown"} · version {agent.version} · published {formatDate(agent.publishedAt)}
          </p>
          {agent.unlistedAt ? (
            <p role="status" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-testid="agent-unlisted">
              The platform&apos;s operators unlisted this agent: it is not sold, and its runs are refused.
              {user?.id === agent.ownerId && agent.unlistedReason ? ` Their reason: ${agent.unlistedReason}` : ""}
            </p>
          ) : null}
          <p className="whitespace-pre-line leading-relaxed">{agent.description}</p>
          <div className="flex flex-wrap gap-1.5">
            {agent.tags.map((t) => (
              <Badge key={t}>#{t}</Badge>
            ))}
          </div>
        </div>
        <Card>
          <CardHeader>
            <CardTitle>Verified stats</CardTitle>
            <p className="text-xs text-muted-foreground">
              From recorded executions of published versions; the creator&apos;s test runs are not counted.
            </p>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-3 gap-4 text-sm" data-testid="agent-stats">
              <div>
                <dt className="text-muted-foreground">Runs</dt>
                <dd className="text-xl font-semibold">{stats.runs}</dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Success rate</dt>
                <dd className="text-xl font-semibold">
                  {stats.successRate === null ? "—" : `${(stats.successRate * 100).toFixed(1)}%`}
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Median latency</dt>
                <dd className="text-xl font-semibold">
                  {stats.p50LatencyMs === null ? "—" : `${stats.p50LatencyMs} ms`}
                </dd>
              </div>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>How to call it</CardTitle>
            <p className="text-xs text-muted-foreground">
              Create an API key for your organisation once it holds runs of this agent, set it as{" "}
              <code>AINOMADS_API_KEY</code>, and send:
            </p>
          </CardHeader>
          <CardContent className="space-y-5">
            <ExampleRequestTabs examples={examples} />
            <div className="space-y-2">
              <h3 className="text-sm font-semibold">Input</h3>
              <SchemaView schema={contract.inputSchema} label="Input fields" />
            </div>
            <div className="space-y-2">
              <h3 className="text-sm font-semibold">Output</h3>
              <SchemaView schema={contract.outputSchema} label="Output fields" />
            </div>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Activity</CardTitle>
            <p className="text-xs text-muted-foreground">Runs per day and latency, the last 30 days (UTC).</p>
          </CardHeader>
          <CardContent>
            <ActivityChart points={activity} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Reviews</CardTitle>
            <p className="text-xs text-muted-foreground">
              Written by the wallets that paid for runs, next to their on-chain rating.
            </p>
          </CardHeader>
          <CardContent>
            {reviews.length ? (
              <ul className="space-y-3 text-sm" aria-label="Reviews">
                {reviews.map((r) => (
                  <li key={r.id} className="rounded-md border p-3">
                    <p className="flex flex-wrap items-center gap-2">
                      <span aria-label={`${r.score} out of 5`} className="font-semibold text-amber-600">
                        {"★".repeat(r.score)}
                        <span className="text-muted-foreground/40">{"★".repeat(5 - r.score)}</span>
                      </span>
                      <span className="text-muted-foreground">
                        {r.reviewerName ?? shortAddress(getAddress(r.raterAddress))} · {formatDate(r.createdAt)}
                      </span>
                    </p>
                    <p className="mt-1 whitespace-pre-line">{r.review}</p>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-muted-foreground">No reviews yet.</p>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Version history</CardTitle>
          </CardHeader>
          <CardContent>
            <ol className="divide-y rounded-md border text-sm" aria-label="Version history">
              {versions.map((v) => (
                <li key={v.version} className="flex flex-wrap gap-3 p-3">
                  <span className="font-semibold">v{v.version}</span>
                  <span className="flex-1">{v.changelog || "—"}</span>
                  <span>{formatWei(v.priceWei)}</span>
                  <span className="text-xs text-muted-foreground">{formatDate(v.createdAt)}</span>
                </li>
              ))}
            </ol>
          </CardContent>
        </Card>
      </div>
      <div className="space-y-4">
        <Card>
          <CardHeader>
            <CardTitle>Price</CardTitle>
          </CardHeader>
          <CardContent className="space-y-2">
            <p className="text-2xl font-semibold">{formatWei(agent.priceWei)}</p>
            <p className="text-sm text-muted-foreground">per run</p>
            {onChainPrice && onChainPrice !== agent.priceWei ? (
              <p className="rounded-md bg-amber-50 p-2 text-xs text-amber-900" data-testid="price-pending">
                The on-chain listing still sells at {formatWei(onChainPrice)} per run until the creator updates it.
              </p>
            ) : null}
            {agent.unlistedAt ? (
              <p className="text-sm text-muted-foreground">Not for sale: unlisted by the platform&apos;s operators.</p>
            ) : chain && agent.listingId && onChainPrice ? (
              <BuyPanel
                slug={agent.slug}
                priceWei={onChainPrice}
                listingId={agent.listingId}
                chain={chain}
                orgs={orgs.map((o) => ({ id: o.id, name: o.name }))}
                signedIn={Boolean(user)}
              />
            ) : onChainListing && !onChainListing.active ? (
              <p className="text-sm text-muted-foreground" data-testid="sales-paused">
                The creator has paused sales of this agent.
              </p>
            ) : agent.listingId ? (
              <p className="text-sm text-muted-foreground">
                The chain cannot be read right now; try again in a moment.
              </p>
            ) : (
              <p className="text-sm text-muted-foreground">
                This agent is not listed on-chain yet, so it cannot be bought or rated.
              </p>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Rating</CardTitle>
          </CardHeader>
          <CardContent className="space-y-3 text-sm">
            <p data-testid="agent-rating">
              {rating.state === "ok"
                ? rating.count
                  ? `${rating.average?.toFixed(2)} / 5 from ${rating.count} rating${rating.count === 1 ? "" : "s"} by paying buyers`
                  : "No ratings yet."
                : rating.state === "unavailable"
                  ? "The chain is not reachable right now."
                  : "Ratings come from buyers once the agent is listed on-chain."}
            </p>
            {weighted.count ? (
              <p className="text-muted-foreground" data-testid="agent-rating-weighted">
                {weighted.weightedAverage === null
                  ? "None of these ratings came with a paid purchase, so they do not count towards the ranking."
                  : `Weighted by what each buyer paid: ${weighted.weightedAverage.toFixed(2)} / 5, from ${weighted.payers} paying wallet${weighted.payers === 1 ? "" : "s"} (${formatWei(weighted.paidWei)} paid in all). The marketplace ranks by this.`}
              </p>
            ) : null}
            {ratingsGiven ? (
              <ul className="space-y-1" aria-label="Rating distribution">
                {[...distribution].reverse().map((d) => (
                  <li key={d.score} className="flex items-center gap-2 text-xs">
                    <span className="w-6 text-right">{d.score} ★</span>
                    <span className="h-2 flex-1 overflow-hidden rounded bg-muted" aria-hidden>
                      <span
                        className="block h-full bg-amber-500"
                        style={{ width: `${(d.ratings / ratingsGiven) * 100}%` }}
                      />
                    </span>
                    <span className="w-8 tabular-nums">{d.ratings}</span>
                  </li>
                ))}
              </ul>
            ) : null}
            {chain ? <RatePanel chain={chain} rateable={rateable} signedIn={Boolean(user)} /> : null}
          </CardContent>
        </Card>
        {user?.id === agent.ownerId ? null : (
          <Card>
            <CardHeader>
              <CardTitle>Report</CardTitle>
              <p className="text-xs text-muted-foreground">
                Tell the platform&apos;s operators if this agent is harmful or not what it claims.
              </p>
            </CardHeader>
            <CardContent>
              {user ? (
                <ReportAgent agentId={agent.id} />
              ) : (
                <Link
                  href={`/sign-in?callbackUrl=${encodeURIComponent(`/agents/${agent.slug}`)}`}
                  className="touch-target text-sm text-primary hover:underline"
                >
                  Sign in to report it
                </Link>
              )}
            </CardContent>
          </Card>
        )}
        {payees.length ? (
          <Card>
            <CardHeader>
              <CardTitle>Payees</CardTitle>
            </CardHeader>
            <CardContent>
              <ul className="space-y-1 text-sm">
                {payees.map((p) => (
                  <li key={p.address} className="flex justify-between gap-2">
                    <code title={getAddress(p.address)}>{shortAddress(getAddress(p.address))}</code>
                    <span>{(p.shareBps / 100).toFixed(2)}%</span>
                  </li>
                ))}
              </ul>
            </CardContent>
          </Card>
        ) : null}
      </div>
    </div>
  );
}
