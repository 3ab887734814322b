import { queueBacklog } from "@/db/queries/queue";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { mayReadMetrics } from "@/lib/metrics/access";
import { metrics } from "@/lib/metrics/registry";
import { RUNS_QUEUE, WEBHOOKS_QUEUE } from "@/lib/queue/boss";

export const dynamic = "force-dynamic";

/**
 * This process's metrics in Prometheus text format: requests by route, run durations by
 * agent, the run and webhook queues' backlogs, webhook attempts, the indexer's lag. For a scraper holding METRICS_TOKEN
 * (Bearer), or, without one configured, only from this machine (loopback).
 */
export async function GET(request: Request) {
  if (!mayReadMetrics(request, env.METRICS_TOKEN)) return new Response("Not found\n", { status: 404 });
  const m = metrics();
  const db = await getDb();
  for (const queue of [RUNS_QUEUE, WEBHOOKS_QUEUE]) {
    const backlog = await queueBacklog(db, { queue, now: new Date() });
    if (!backlog) continue;
    m.queueDepth.set({ queue }, backlog.waiting);
    m.queueOldestJobAge.set({ queue }, backlog.oldestSeconds);
  }
  return new Response(await m.registry.metrics(), {
    headers: { "content-type": m.registry.contentType, "cache-control": "no-store" },
  });
}
