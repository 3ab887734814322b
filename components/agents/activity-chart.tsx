"use client";

import dynamic from "next/dynamic";
import { useNearScreen } from "@/components/ui/use-near-screen";

// recharts is most of this page's script: it loads when the chart is about to scroll into view.
const ActivityGraph = dynamic(() => import("./activity-graph").then((m) => m.ActivityGraph), { ssr: false });

export type ActivityPoint = { label: string; runs: number; p50: number | null; p95: number | null };

/** An agent's runs per day (bars) and median and p95 latency (lines), with the numbers as a table for screen readers. */
export function ActivityChart({ points }: { points: ActivityPoint[] }) {
  const { ref, near: visible } = useNearScreen<HTMLDivElement>();
  return (
    <div>
      <div ref={ref} className="h-40 w-full" aria-hidden>
        {visible ? <ActivityGraph points={points} /> : null}
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
