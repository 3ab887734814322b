"use client";

import { Bar, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type ActivityPoint = { label: string; runs: number; p50: number | null; p95: number | null };

/** An agent's runs per day (bars) and median and p95 latency (lines), with the numbers as a table for screen readers. */
export function ActivityChart({ points }: { points: ActivityPoint[] }) {
  return (
    <div>
      <div className="h-40 w-full" aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={points} margin={{ top: 4, right: 4, bottom: 0, left: -20 }}>
            <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} />
            <YAxis yAxisId="runs" allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis yAxisId="ms" orientation="right" tick={{ fontSize: 11 }} unit=" ms" />
            <Tooltip />
            <Bar yAxisId="runs" dataKey="runs" name="Runs" fill="#2563eb" isAnimationActive={false} />
            <Line
              yAxisId="ms"
              dataKey="p50"
              name="p50 (ms)"
              stroke="#16a34a"
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
            <Line
              yAxisId="ms"
              dataKey="p95"
              name="p95 (ms)"
              stroke="#d97706"
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <table className="sr-only">
        <caption>Runs and latency per day, last 30 days</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Runs</th>
            <th scope="col">p50 (ms)</th>
            <th scope="col">p95 (ms)</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.label}>
              <td>{p.label}</td>
              <td>{p.runs}</td>
              <td>{p.p50 ?? "—"}</td>
              <td>{p.p95 ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
