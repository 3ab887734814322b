"use client";

import { Bar, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ActivityPoint } from "./activity-chart";

/** The drawing of ActivityChart (recharts), in its own chunk. */
export function ActivityGraph({ points }: { points: ActivityPoint[] }) {
  return (
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
  );
}
