import "server-only";
import type { Db } from "@/db/client";
import {
  claimWebhookDelivery,
  deferWebhookDelivery,
  recordWebhookAttempt,
  type AttemptEnd,
} from "@/db/queries/webhooks";
import type { AddressPolicy } from "@/lib/agents/runtime/tools/address-policy";
import { requestOnce, type Lookup } from "@/lib/agents/runtime/tools/http-fetch";
import { describeError } from "@/lib/log";
import { metrics } from "@/lib/metrics/registry";
import { TEST_EVENT_TYPE, webhookEventTypes } from "./events";
import { nextAttemptAt, parseRetryAfter } from "./schedule";
import { signWebhook } from "./signature";

/** An attempt waits this long for the whole answer. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** Of an answer's body, this much is read (and thrown away). */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** Attempts one organisation may have in flight at once in this process; more wait a few seconds. */
export const MAX_ATTEMPTS_IN_FLIGHT_PER_ORG = 4;
const DEFER_MS = 3_000;

export type DeliverDeps = {
  /** The SSRF policy every target address is checked against at connect time. */
  policy: AddressPolicy;
  lookup?: Lookup;
  now?: () => Date;
  random?: () => number;
  timeoutMs?: number;
};

export type AttemptResult = AttemptEnd["outcome"] | "deferred" | "skipped";

const globalForFlights = globalThis as unknown as { __aiNomadsWebhookFlights?: Map<string, number> };
const inFlight = (globalForFlights.__aiNomadsWebhookFlights ??= new Map<string, number>());

/**
 * One attempt of one delivery (a queue job): claims it (a duplicate or stale job finds
 * nothing), POSTs the signed payload to the endpoint, redirects not followed, and records
 * the attempt and what follows: delivered on 2xx; the endpoint disabled on 410; otherwise
 * another attempt later (schedule.ts, never before `Retry-After`), or given up after the
 * last. An organisation has at most MAX_ATTEMPTS_IN_FLIGHT_PER_ORG attempts at once here,
 * so one tenant's slow endpoints cannot hold every worker.
 */
export async function attemptWebhookDelivery(
  db: Db,
  job: { deliveryId: string; orgId: string },
  deps: DeliverDeps,
): Promise<AttemptResult> {
  const now = deps.now ?? (() => new Date());
  const flights = inFlight.get(job.orgId) ?? 0;
  if (flights >= MAX_ATTEMPTS_IN_FLIGHT_PER_ORG) {
    await deferWebhookDelivery(db, { deliveryId: job.deliveryId, at: new Date(now().getTime() + DEFER_MS) });
    return "deferred";
  }
  inFlight.set(job.orgId, flights + 1);
  try {
    return await attempt(db, job.deliveryId, deps, now);
  } finally {
    const left = (inFlight.get(job.orgId) ?? 1) - 1;
    if (left > 0) inFlight.set(job.orgId, left);
    else inFlight.delete(job.orgId);
  }
}

async function attempt(db: Db, deliveryId: string, deps: DeliverDeps, now: () => Date): Promise<AttemptResult> {
  const timeoutMs = deps.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
  const startedAt = now();
  const delivery = await claimWebhookDelivery(db, {
    deliveryId,
    now: startedAt,
    claimUntil: new Date(startedAt.getTime() + timeoutMs + 20_000),
  });
  if (!delivery) return "skipped";
  const base = { deliveryId, endpointId: delivery.endpointId, attemptedAt: startedAt };
  if (delivery.endpointDisabled) {
    await recordWebhookAttempt(db, {
      ...base,
      statusCode: null,
      durationMs: 0,
      error: null,
      end: { outcome: "cancelled" },
    });
    return "cancelled";
  }

  const body = JSON.stringify(delivery.payload);
  const headers = signWebhook({ id: `msg_${delivery.id}`, timestamp: startedAt, body, secrets: delivery.secrets });
  const clock = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  let retryAfter: string | string[] | undefined;
  try {
    const answer = await requestOnce(
      new URL(delivery.url),
      {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "user-agent": "AI-Nomads-Webhooks/1.0" },
        body,
      },
      { policy: deps.policy, lookup: deps.lookup },
      MAX_RESPONSE_BYTES,
      Date.now() + timeoutMs,
    );
    statusCode = answer.status;
    if ("redirect" in answer) error = `Redirected to ${answer.redirect.slice(0, 200)}; redirects are not followed.`;
    else {
      retryAfter = answer.headers["retry-after"];
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    }
  } catch (caught) {
    // The SSRF refusals are http_fetch's; say what they mean here.
    error = describeError(caught)
      .replace(/^.*http_fetch refused: /, "Refused: ")
      .slice(0, 500);
  }
  const durationMs = Math.round(performance.now() - clock);

  const end: AttemptEnd =
    statusCode !== null && statusCode >= 200 && statusCode < 300 && !error
      ? { outcome: "delivered" }
      : statusCode === 410
        ? { outcome: "gone" }
        : retryOrGiveUp(delivery.attempts, now(), parseRetryAfter(retryAfter, now()), deps.random);
  await recordWebhookAttempt(db, { ...base, statusCode, durationMs, error, end });
  const outcome =
    end.outcome === "retry" || end.outcome === "failed" ? (statusCode === null ? "refused" : "failed") : end.outcome;
  metrics().webhookAttempts.inc({ event: eventLabel(delivery.eventType), outcome });
  metrics().webhookDuration.observe({ outcome }, durationMs / 1000);
  return end.outcome;
}

function retryOrGiveUp(
  attempts: number,
  now: Date,
  retryAfterSeconds: number | undefined,
  random?: () => number,
): AttemptEnd {
  const at = nextAttemptAt({ attempts, now, retryAfterSeconds, random: random?.() });
  return at ? { outcome: "retry", nextAttemptAt: at } : { outcome: "failed" };
}

const knownEvents = new Set<string>([...webhookEventTypes, TEST_EVENT_TYPE]);
const eventLabel = (type: string) => (knownEvents.has(type) ? type : "other");
