"use client";

import type { LatencyPoint, RangeInfo, SeriesPoint, Totals } from "@/lib/dashboards/data";
import { bucketLabel, changeLabel } from "@/lib/dashboards/format";
import { Card } from "@/components/ui/card";
import { ChartCard, type Column } from "./chart-card";
import { CategoryBars, COLORS, LinesChart, RunsChart } from "./charts";
import type { useDashboardParams } from "./dashboard-params";

type State = ReturnType<typeof useDashboardParams>;

const ms = (value: number | null) => (value === null ? null : `${value} ms`);
const rate = (t: Totals) => (t.runs ? (t.succeeded / t.runs) * 100 : null);

/** The range's headline numbers, each with its change against the previous period. */
export function SummaryCards({ totals, compare }: { totals: { current: Totals; previous: Totals }; compare: boolean }) {
  const { current, previous } = totals;
  const cards = [
    { label: "Runs", value: current.runs.toLocaleString("en"), change: changeLabel(current.runs, previous.runs) },
    {
      label: "Success rate",
      value: rate(current) === null ? "—" : `${rate(current)!.toFixed(1)} %`,
      change: changeLabel(rate(current), rate(previous)),
    },
    {
      label: "Credits used",
      value: current.creditsUsed.toLocaleString("en"),
      change: changeLabel(current.creditsUsed, previous.creditsUsed),
    },
    { label: "p95 latency", value: ms(current.p95) ?? "—", change: changeLabel(current.p95, previous.p95) },
  ];
  return (
    <dl className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
      {cards.map((card) => (
        <Card key={card.label} className="p-4">
          <dt className="text-sm text-muted-foreground">{card.label}</dt>
          <dd className="text-2xl font-semibold tabular-nums" data-testid={`total-${card.label}`}>
            {card.value}
          </dd>
          {compare && card.change ? (
            <dd className="text-xs text-muted-foreground">{card.change} vs the previous period</dd>
          ) : null}
        </Card>
      ))}
    </dl>
  );
}

/** Runs by status, latency percentiles, credits used and errors by code: both dashboards show these. */
export function UsageCharts({
  data,
  state,
}: {
  data: {
    range: RangeInfo;
    runs: SeriesPoint[];
    latency: LatencyPoint[];
    errors: { errorCode: string; runs: number }[];
  };
  state: State;
}) {
  const { range } = data;
  const label = (bucket: string) => bucketLabel(bucket, range.bucket, range.timeZone);
  const runs = data.runs.map((p) => ({ ...p, label: label(p.bucket) }));
  const latency = data.latency.map((p) => ({ ...p, label: label(p.bucket) }));
  const nothing = runs.every((p) => p.runs === 0);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard
        id="runs"
        title="Runs"
        description={`Per ${range.bucket}, by how they ended`}
        rows={runs}
        columns={[
          { key: "bucket", label: "Bucket", value: (r) => r.label },
          { key: "runs", label: "Runs", value: (r) => r.runs },
          { key: "succeeded", label: "Succeeded", value: (r) => r.succeeded },
          { key: "failed", label: "Failed", value: (r) => r.failed },
          { key: "timedOut", label: "Timed out", value: (r) => r.timedOut },
          ...(state.compare
            ? [{ key: "previous", label: "Previous period", value: (r: (typeof runs)[number]) => r.previousRuns }]
            : []),
        ]}
        showTable={state.tables.has("runs")}
        onToggleTable={() => state.toggleTable("runs")}
        empty={nothing ? "No runs in this range yet." : undefined}
      >
        <RunsChart data={runs} compare={state.compare} />
      </ChartCard>
      <ChartCard
        id="latency"
        title="Latency"
        description="p50, p95 and p99 of every recorded run, exact"
        rows={latency}
        columns={[
          { key: "bucket", label: "Bucket", value: (r) => r.label },
          { key: "runs", label: "Runs", value: (r) => r.runs },
          { key: "p50", label: "p50 (ms)", value: (r) => r.p50 },
          { key: "p95", label: "p95 (ms)", value: (r) => r.p95 },
          { key: "p99", label: "p99 (ms)", value: (r) => r.p99 },
        ]}
        showTable={state.tables.has("latency")}
        onToggleTable={() => state.toggleTable("latency")}
        empty={nothing ? "No runs in this range yet." : undefined}
      >
        <LinesChart
          data={latency}
          unit=" ms"
          lines={[
            { key: "p50", name: "p50", color: COLORS.p50 },
            { key: "p95", name: "p95", color: COLORS.p95 },
            { key: "p99", name: "p99", color: COLORS.p99 },
          ]}
        />
      </ChartCard>
      <ChartCard
        id="credits"
        title="Credits used"
        description={`Paid runs per ${range.bucket} (refunded runs give their credit back)`}
        rows={runs}
        columns={[
          { key: "bucket", label: "Bucket", value: (r) => r.label },
          { key: "creditsUsed", label: "Credits used", value: (r) => r.creditsUsed },
        ]}
        showTable={state.tables.has("credits")}
        onToggleTable={() => state.toggleTable("credits")}
        empty={nothing ? "No runs in this range yet." : undefined}
      >
        <LinesChart data={runs} lines={[{ key: "creditsUsed", name: "Credits used", color: COLORS.primary }]} />
      </ChartCard>
      <ChartCard
        id="errors"
        title="Errors by code"
        description="Failed and timed-out runs in the range"
        rows={data.errors}
        columns={[
          { key: "code", label: "Error code", value: (r) => r.errorCode },
          { key: "runs", label: "Runs", value: (r) => r.runs },
        ]}
        showTable={state.tables.has("errors")}
        onToggleTable={() => state.toggleTable("errors")}
        empty={data.errors.length ? undefined : "No errors in this range."}
      >
        <CategoryBars data={data.errors} category="errorCode" value="runs" name="Runs" color={COLORS.failed} />
      </ChartCard>
    </div>
  );
}

type Breakdown = { name: string; runs: number; creditsUsed: number; failures: number };

/**
 * Runs per category (agent, key, organisation) as bars, with runs, credits used and
 * failures (and any `extra` columns) as its table and CSV.
 */
export function BreakdownCard<R extends Breakdown>({
  id,
  title,
  description,
  label,
  rows,
  extra = [],
  empty,
  state,
}: {
  id: string;
  title: string;
  description?: string;
  /** What a row is: "Agent", "Key", "Organisation". */
  label: string;
  rows: R[];
  extra?: Column<R>[];
  empty: string;
  state: State;
}) {
  return (
    <ChartCard
      id={id}
      title={title}
      description={description}
      rows={rows}
      columns={[
        { key: "name", label, value: (r) => r.name },
        { key: "runs", label: "Runs", value: (r) => r.runs },
        { key: "credits", label: "Credits used", value: (r) => r.creditsUsed },
        { key: "failures", label: "Failures", value: (r) => r.failures },
        ...extra,
      ]}
      showTable={state.tables.has(id)}
      onToggleTable={() => state.toggleTable(id)}
      empty={rows.length ? undefined : empty}
    >
      <CategoryBars data={rows} category="name" value="runs" name="Runs" />
    </ChartCard>
  );
}
