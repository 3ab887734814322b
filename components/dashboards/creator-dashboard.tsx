"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Select } from "@/components/ui/input";
import type { CreatorDashboard as Data } from "@/lib/dashboards/data";
import { bucketLabel } from "@/lib/dashboards/format";
import { formatTokenAmount } from "@/lib/money";
import { queryKeys } from "@/lib/query-keys";
import { ChartCard } from "./chart-card";
import { CategoryBars, COLORS, LinesChart } from "./charts";
import { fetchDashboard, useDashboardParams } from "./dashboard-params";
import { EarningsCard } from "./earnings-card";
import { LiveStatus, useLiveUpdates } from "./live";
import { RangePicker } from "./range-picker";
import { BreakdownCard, SummaryCards, UsageCharts } from "./usage-charts";

const NATIVE = "0x0000000000000000000000000000000000000000";
const tokenName = (token: string) => (token.toLowerCase() === NATIVE ? "ETH" : `${token.slice(0, 8)}…`);

/**
 * The creator dashboard: all of a creator's agents, or one (`agentSlug`) with a version
 * filter. Data through TanStack Query from /api/dashboard/creator, state in the URL,
 * refreshed live when a run of theirs ends or a purchase is indexed.
 */
export function CreatorDashboard({
  agentSlug,
  renderedZone = null,
}: {
  agentSlug?: string;
  /** The time zone the server rendered its data in, if it did (`lib/dashboards/prefetch.ts`). */
  renderedZone?: string | null;
}) {
  const state = useDashboardParams(renderedZone);
  const params = { ...state.dataParams, ...(agentSlug ? { agent: agentSlug } : {}) };
  const query = useQuery({
    queryKey: queryKeys.creatorDashboard(params),
    queryFn: () => fetchDashboard<Data>("/api/dashboard/creator", params),
    placeholderData: keepPreviousData,
    enabled: state.ready,
  });
  const live = useLiveUpdates({ scope: "creator" }, queryKeys.dashboards);
  const data = query.data;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <RangePicker state={state} />
        <div className="flex items-center gap-3">
          {data?.agent && data.agent.versions.length > 0 ? (
            <label className="text-sm">
              <span className="block text-muted-foreground">Version</span>
              <Select
                className="h-8"
                value={state.get("version") ?? ""}
                onChange={(e) => state.set({ version: e.target.value || undefined })}
              >
                <option value="">All versions</option>
                {data.agent.versions.map((v) => (
                  <option key={v.id} value={String(v.version)}>
                    v{v.version}
                  </option>
                ))}
              </Select>
            </label>
          ) : null}
          <LiveStatus status={live} />
        </div>
      </div>
      {query.isError ? (
        <p role="alert" className="text-sm text-destructive">
          {query.error.message}
        </p>
      ) : null}
      {!data ? (
        <p className="text-sm text-muted-foreground" role="status">
          Loading…
        </p>
      ) : (
        <div className="space-y-4" aria-busy={query.isFetching}>
          <SummaryCards totals={data.totals} compare={state.compare} />
          <UsageCharts data={data} state={state} />
          <div className="grid gap-4 lg:grid-cols-2">
            <Revenue data={data} state={state} />
            {!agentSlug ? <EarningsCard state={state} /> : null}
            <Ratings data={data} state={state} />
            <BreakdownCard
              id="organisations"
              title="Runs per buying organisation"
              description="Organisations that ran your agents in the range (their inputs stay theirs)"
              label="Organisation"
              rows={data.organizations.map((o) => ({ ...o, name: o.name ?? "(no organisation)" }))}
              empty="No organisation ran your agents in this range."
              state={state}
            />
            {!agentSlug ? (
              <BreakdownCard
                id="agents"
                title="Runs per agent"
                description="Open an agent for its own dashboard"
                label="Agent"
                rows={data.agents}
                empty="None of your agents ran in this range."
                state={state}
              />
            ) : null}
          </div>
          {!agentSlug && data.agents.length ? (
            <nav aria-label="Agent dashboards" className="flex flex-wrap gap-2 text-sm">
              {data.agents.map((a) => (
                <Link
                  key={a.agentId}
                  href={`/dashboard/${a.slug}`}
                  className="rounded-md border px-3 py-1 hover:bg-muted"
                >
                  {a.name}
                </Link>
              ))}
            </nav>
          ) : null}
        </div>
      )}
    </div>
  );
}

function Revenue({ data, state }: { data: Data; state: ReturnType<typeof useDashboardParams> }) {
  const tokens = [...new Set(data.revenue.map((r) => r.token))];
  const label = (bucket: string) => bucketLabel(bucket, data.range.bucket, data.range.timeZone);
  // One point per bucket of the range, one key per token (in token units, for drawing only).
  const points = data.runs.map(({ bucket }) => ({
    label: label(bucket),
    ...Object.fromEntries(
      tokens.map((token) => {
        const row = data.revenue.find((r) => r.bucket === bucket && r.token === token);
        return [tokenName(token), row ? Number(formatTokenAmount(row.amountWei)) : 0];
      }),
    ),
  }));
  return (
    <ChartCard
      id="revenue"
      title="Revenue"
      description="Settled on-chain purchases of your agents, per token (exact to the wei in the table)"
      rows={data.revenue}
      columns={[
        { key: "bucket", label: "Bucket", value: (r) => label(r.bucket) },
        { key: "token", label: "Token", value: (r) => tokenName(r.token) },
        { key: "amount", label: "Amount", value: (r) => formatTokenAmount(r.amountWei) },
        { key: "wei", label: "Amount (wei)", value: (r) => r.amountWei },
        { key: "runs", label: "Runs bought", value: (r) => r.runs },
        { key: "purchases", label: "Purchases", value: (r) => r.purchases },
      ]}
      showTable={state.tables.has("revenue")}
      onToggleTable={() => state.toggleTable("revenue")}
      empty={data.revenue.length ? undefined : "No purchases in this range."}
    >
      <LinesChart
        data={points}
        lines={tokens.map((t, i) => ({
          key: tokenName(t),
          name: tokenName(t),
          color: i ? COLORS.p95 : COLORS.succeeded,
        }))}
      />
    </ChartCard>
  );
}

function Ratings({ data, state }: { data: Data; state: ReturnType<typeof useDashboardParams> }) {
  const label = (bucket: string) => bucketLabel(bucket, data.range.bucket, data.range.timeZone);
  const total = data.ratings.distribution.reduce((n, d) => n + d.ratings, 0);
  return (
    <ChartCard
      id="ratings"
      title="Ratings"
      description={`${total} on-chain rating${total === 1 ? "" : "s"} in the range, by score and over time`}
      rows={[
        ...data.ratings.distribution.map((d) => ({
          what: `${d.score} ★`,
          ratings: d.ratings,
          mean: null as number | null,
        })),
        ...data.ratings.series.map((s) => ({ what: label(s.bucket), ratings: s.ratings, mean: s.mean })),
      ]}
      columns={[
        { key: "what", label: "Score or bucket", value: (r) => r.what },
        { key: "ratings", label: "Ratings", value: (r) => r.ratings },
        { key: "mean", label: "Mean score", value: (r) => (r.mean === null ? null : r.mean.toFixed(2)) },
      ]}
      showTable={state.tables.has("ratings")}
      onToggleTable={() => state.toggleTable("ratings")}
      empty={total ? undefined : "No ratings in this range."}
    >
      <CategoryBars
        data={data.ratings.distribution.map((d) => ({ score: `${d.score} ★`, ratings: d.ratings }))}
        category="score"
        value="ratings"
        name="Ratings"
        color={COLORS.timedOut}
      />
    </ChartCard>
  );
}
