"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ComposedChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

export const COLORS = {
  succeeded: "#16a34a",
  failed: "#dc2626",
  timedOut: "#d97706",
  previous: "#94a3b8",
  p50: "#2563eb",
  p95: "#7c3aed",
  p99: "#db2777",
  primary: "#2563eb",
};

type Point = Record<string, number | string | null>;

const axis = { fontSize: 12, stroke: "currentColor" };

/** Runs per bucket stacked by status, with the previous period's runs as a line. */
export function RunsChart({ data, compare }: { data: Point[]; compare: boolean }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
        <XAxis dataKey="label" tick={axis} minTickGap={24} />
        <YAxis allowDecimals={false} tick={axis} />
        <Tooltip />
        <Legend />
        <Bar dataKey="succeeded" name="Succeeded" stackId="runs" fill={COLORS.succeeded} isAnimationActive={false} />
        <Bar dataKey="failed" name="Failed" stackId="runs" fill={COLORS.failed} isAnimationActive={false} />
        <Bar dataKey="timedOut" name="Timed out" stackId="runs" fill={COLORS.timedOut} isAnimationActive={false} />
        {compare ? (
          <Line
            dataKey="previousRuns"
            name="Previous period"
            stroke={COLORS.previous}
            strokeDasharray="4 4"
            dot={false}
            isAnimationActive={false}
          />
        ) : null}
      </ComposedChart>
    </ResponsiveContainer>
  );
}

/** Lines of the given keys over the buckets (latency percentiles, credits, revenue). */
export function LinesChart({
  data,
  lines,
  unit,
}: {
  data: Point[];
  lines: { key: string; name: string; color: string }[];
  unit?: string;
}) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -8 }}>
        <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
        <XAxis dataKey="label" tick={axis} minTickGap={24} />
        <YAxis tick={axis} unit={unit} />
        <Tooltip />
        <Legend />
        {lines.map((l) => (
          <Line
            key={l.key}
            dataKey={l.key}
            name={l.name}
            stroke={l.color}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

/** One bar per category (error codes, organisations, scores). */
export function CategoryBars({
  data,
  category,
  value,
  name,
  color = COLORS.primary,
}: {
  data: Point[];
  category: string;
  value: string;
  name: string;
  color?: string;
}) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
        <XAxis type="number" allowDecimals={false} tick={axis} />
        <YAxis type="category" dataKey={category} tick={axis} width={140} />
        <Tooltip />
        <Bar dataKey={value} name={name} fill={color} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** One horizontal bar per category, stacked from several values (claimable and withdrawn per wallet). */
export function StackedBars({
  data,
  category,
  bars,
}: {
  data: Point[];
  category: string;
  bars: { key: string; name: string; color: string }[];
}) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
        <XAxis type="number" tick={axis} />
        <YAxis type="category" dataKey={category} tick={axis} width={140} />
        <Tooltip />
        <Legend />
        {bars.map((b) => (
          <Bar key={b.key} dataKey={b.key} name={b.name} stackId="total" fill={b.color} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
