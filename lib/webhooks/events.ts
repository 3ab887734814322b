import { webhookEventTypes } from "@/db/schema";

export { webhookEventTypes };
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** What each event reports, as the console lists them. Payloads are `{ type, timestamp, data }`. */
export const webhookEventDescriptions: Record<WebhookEventType, string> = {
  "run.succeeded": "An API run of your organisation succeeded (its execution id, agent, receipt hash and duration).",
  "run.failed": "An API run failed or timed out (its error code and whether its credit was refunded).",
  "purchase.confirmed": "A purchase of runs was indexed on-chain and its credits granted to your organisation.",
  "credits.low": "A run took your credits for an agent to a tenth of what you bought or fewer.",
};

/** The event "Send test event" delivers to one endpoint; no endpoint subscribes to it. */
export const TEST_EVENT_TYPE = "webhook.test";

/** An organisation's endpoints at most (each event is delivered to each subscribed endpoint). */
export const MAX_ENDPOINTS_PER_ORG = 10;
