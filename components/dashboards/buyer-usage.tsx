"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Select } from "@/components/ui/input";
import type { BuyerDashboard as Data } from "@/lib/dashboards/data";
import { queryKeys } from "@/lib/query-keys";
import { fetchDashboard, useDashboardParams } from "./dashboard-params";
import { LiveStatus, useLiveUpdates } from "./live";
import { RangePicker } from "./range-picker";
import { BreakdownCard, SummaryCards, UsageCharts } from "./usage-charts";

/** Days to a rough human phrase: "about 3 days". */
function forecast(days: number | null, left: number): string {
  if (left <= 0) return "none left";
  if (days === null) return "no runs in the last 7 days";
  if (days < 1) return "runs out within a day at the last 7 days' rate";
  return `at the last 7 days' rate, runs out in about ${Math.round(days)} day${Math.round(days) === 1 ? "" : "s"}`;
}

/**
 * An organisation's usage console: runs and credits over time per agent and key,
 * failures, latency, and credits left per agent with a forecast; live like the creator's.
 */
export function BuyerUsage({
  orgId,
  agents,
  keys,
}: {
  orgId: string;
  agents: { id: string; name: string }[];
  keys: { id: string; name: string; prefix: string }[];
}) {
  const state = useDashboardParams();
  const params = state.dataParams;
  const query = useQuery({
    queryKey: queryKeys.orgDashboard(orgId, params),
    queryFn: () => fetchDashboard<Data>(`/api/dashboard/orgs/${orgId}`, params),
    placeholderData: keepPreviousData,
    enabled: state.ready,
  });
  const live = useLiveUpdates({ scope: "org", org: orgId }, queryKeys.dashboards);
  const data = query.data;
  return (
    <section className="space-y-4" aria-labelledby="usage-title">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="usage-title" className="text-xl font-semibold">
          Usage
        </h2>
        <LiveStatus status={live} />
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <RangePicker state={state} />
        <label className="text-sm">
          <span className="block text-muted-foreground">Agent</span>
          <Select
            className="h-8"
            value={params.agent ?? ""}
            onChange={(e) => state.set({ agent: e.target.value || undefined })}
          >
            <option value="">All agents</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </Select>
        </label>
        <label className="text-sm">
          <span className="block text-muted-foreground">Key</span>
          <Select
            className="h-8"
            value={params.key ?? ""}
            onChange={(e) => state.set({ key: e.target.value || undefined })}
          >
            <option value="">All keys</option>
            {keys.map((k) => (
              <option key={k.id} value={k.id}>
                {k.name} ({k.prefix}…)
              </option>
            ))}
          </Select>
        </label>
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
          <Card>
            <CardHeader>
              <CardTitle>Credits left</CardTitle>
            </CardHeader>
            <CardContent>
              {data.credits.length ? (
                <ul className="divide-y rounded-md border text-sm" aria-label="Credits forecast">
                  {data.credits.map((c) => (
                    <li key={c.agentId} className="flex flex-wrap items-center gap-3 p-3">
                      <span className="flex-1 font-medium">{c.name}</span>
                      <span className="tabular-nums">{c.left.toLocaleString("en")} runs left</span>
                      <span className="w-full text-xs text-muted-foreground sm:w-auto" data-testid="credits-forecast">
                        {forecast(c.runsOutInDays, c.left)}
                      </span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-muted-foreground">No credits yet.</p>
              )}
            </CardContent>
          </Card>
          <UsageCharts data={data} state={state} />
          <div className="grid gap-4 lg:grid-cols-2">
            <BreakdownCard
              id="by-agent"
              title="Runs per agent"
              label="Agent"
              rows={data.agents}
              extra={[{ key: "latency", label: "Mean latency (ms)", value: (r) => r.meanLatencyMs }]}
              empty="No API runs in this range."
              state={state}
            />
            <BreakdownCard
              id="by-key"
              title="Runs per key"
              label="Key"
              rows={data.keys.map((k) => ({ ...k, name: k.name ? `${k.name} (${k.prefix}…)` : "(no key)" }))}
              empty="No API runs in this range."
              state={state}
            />
          </div>
        </div>
      )}
    </section>
  );
}
