import "server-only";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's Prometheus metrics: one registry on globalThis (Next loads modules more
 * than once, and the server hook observes requests outside its module graph). Every label
 * has a bounded set of values (route templates, status codes, at most MAX_AGENT_LABELS
 * agents), so no client can grow the number of series.
 */
export type Metrics = {
  registry: Registry;
  httpRequests: Counter<"route" | "method" | "status">;
  httpDuration: Histogram<"route" | "method">;
  runDuration: Histogram<"agent" | "status">;
  queueDepth: Gauge<"queue">;
  queueOldestJobAge: Gauge<"queue">;
  indexerLag: Gauge;
  webhookAttempts: Counter<"event" | "outcome">;
  webhookDuration: Histogram<"outcome">;
};

/** Agents beyond this many distinct ones are counted under "other". */
export const MAX_AGENT_LABELS = 500;

const globalForMetrics = globalThis as unknown as { __aiNomadsMetrics?: Metrics; __aiNomadsAgentLabels?: Set<string> };

export function metrics(): Metrics {
  if (globalForMetrics.__aiNomadsMetrics) return globalForMetrics.__aiNomadsMetrics;
  const registry = new Registry();
  const made: Metrics = {
    registry,
    httpRequests: new Counter({
      name: "ainomads_http_requests_total",
      help: "HTTP requests answered, by route template, method and status code.",
      labelNames: ["route", "method", "status"],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "ainomads_http_request_duration_seconds",
      help: "Time from a request's arrival to the end of its response, by route template and method.",
      labelNames: ["route", "method"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
      registers: [registry],
    }),
    runDuration: new Histogram({
      name: "ainomads_run_duration_seconds",
      help: "Recorded runs' durations, by agent id and end status.",
      labelNames: ["agent", "status"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    webhookAttempts: new Counter({
      name: "ainomads_webhook_attempts_total",
      help: "Webhook delivery attempts, by event type and outcome (delivered, failed, gone, refused).",
      labelNames: ["event", "outcome"],
      registers: [registry],
    }),
    webhookDuration: new Histogram({
      name: "ainomads_webhook_attempt_duration_seconds",
      help: "Time from sending a webhook to its answer (or failure), by outcome.",
      labelNames: ["outcome"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "ainomads_queue_jobs_waiting",
      help: "Jobs waiting in a queue (created or retrying), read at scrape time.",
      labelNames: ["queue"],
      registers: [registry],
    }),
    queueOldestJobAge: new Gauge({
      name: "ainomads_queue_oldest_job_age_seconds",
      help: "Age of the oldest job waiting in a queue, read at scrape time (0 when none waits).",
      labelNames: ["queue"],
      registers: [registry],
    }),
    indexerLag: new Gauge({
      name: "ainomads_indexer_lag_blocks",
      help: "Blocks between the chain's head and the last block the indexer has read (on the instance that indexes).",
      registers: [registry],
    }),
  };
  globalForMetrics.__aiNomadsMetrics = made;
  return made;
}

/** The agent label for an agent id: itself for the first MAX_AGENT_LABELS agents seen, else "other". */
export function agentLabel(agentId: string): string {
  const seen = (globalForMetrics.__aiNomadsAgentLabels ??= new Set());
  if (seen.has(agentId)) return agentId;
  if (seen.size >= MAX_AGENT_LABELS) return "other";
  seen.add(agentId);
  return agentId;
}
