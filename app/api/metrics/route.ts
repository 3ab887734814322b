import { queueBacklog } from "@/db/queries/queue";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { mayReadMetrics } from "@/lib/metrics/access";
import { metrics } from "@/lib/metrics/registry";
import { RUNS_QUEUE } from "@/lib/queue/boss";

export const dynamic = "force-dynamic";

/**
 * This process's metrics in Prometheus text format: requests by route, run durations by
 * agent, the run queue's backlog, the indexer's lag. For a scraper holding METRICS_TOKEN
 * (Bearer), or, without one configured, only from this machine (loopback).
 */
export async function GET(request: Request) {
  if (!mayReadMetrics(request, env.METRICS_TOKEN)) return new Response("Not found\n", { status: 404 });
  const m = metrics();
  const backlog = await queueBacklog(await getDb(), { queue: RUNS_QUEUE, now: new Date() });
  if (backlog) {
    m.queueDepth.set({ queue: RUNS_QUEUE }, backlog.waiting);
    m.queueOldestJobAge.set({ queue: RUNS_QUEUE }, backlog.oldestSeconds);
  }
  return new Response(await m.registry.metrics(), {
    headers: { "content-type": m.registry.contentType, "cache-control": "no-store" },
  });
}
