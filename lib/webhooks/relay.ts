import "server-only";
import type PgBoss from "pg-boss";
import type { Db } from "@/db/client";
import { takeWebhookDeliveriesToSend } from "@/db/queries/webhooks";
import { createAddressPolicy } from "@/lib/agents/runtime/tools/address-policy";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { describeError } from "@/lib/log";
import { getBoss, WEBHOOKS_QUEUE } from "@/lib/queue/boss";
import { repeat } from "@/lib/repeat";
import { attemptWebhookDelivery, type DeliverDeps } from "./deliver";

type DeliveryJob = { deliveryId: string; orgId: string };

/** A job sent for a delivery that has not run this long after its time is taken as lost and sent again. */
const LOST_AFTER_MS = 120_000;
const BATCH = 200;
/** An organisation's deliveries handed to the queue and not yet finished, at most (across instances). */
export const MAX_SENT_PER_ORG = 8;

const globalForWebhooks = globalThis as unknown as { __aiNomadsWebhookWorkers?: Promise<string[]> };

/**
 * The outbox relay: deliveries are written in the transaction of their event (webhook_fan_out),
 * and this hands each one that is due for an attempt to the queue (at most MAX_SENT_PER_ORG
 * of an organisation's at once). Any number of instances may relay at once (each row is
 * taken once); a job lost with its process is sent again. Returns how many jobs it sent.
 */
export async function relayWebhookDeliveries(db: Db, boss: PgBoss, now = new Date()): Promise<number> {
  let sent = 0;
  for (;;) {
    const batch = await takeWebhookDeliveriesToSend(db, {
      now,
      limit: BATCH,
      lostAfterMs: LOST_AFTER_MS,
      perOrg: MAX_SENT_PER_ORG,
    });
    for (const delivery of batch) {
      await boss.send(WEBHOOKS_QUEUE, { deliveryId: delivery.id, orgId: delivery.orgId } satisfies DeliveryJob);
    }
    sent += batch.length;
    if (batch.length < BATCH) break;
  }
  if (sent) {
    const workers = await globalForWebhooks.__aiNomadsWebhookWorkers?.catch(() => []);
    for (const id of workers ?? []) boss.notifyWorker(id);
  }
  return sent;
}

/** Webhook targets are checked against this at connect time: public addresses, or those WEBHOOK_ALLOW names. */
export function webhookDeps(): DeliverDeps {
  return { policy: createAddressPolicy(env.WEBHOOK_ALLOW) };
}

/** Relays now rather than at the next tick (after the console created a delivery); failures are left to the loop. */
export function nudgeWebhookRelay(): void {
  void (async () => relayWebhookDeliveries(await getDb(), await getBoss()))().catch(() => {});
}

/** Relays deliveries every second in this process (every app instance does; see relayWebhookDeliveries). */
export function startWebhookRelayLoop(): void {
  repeat(
    "webhook-relay",
    1000,
    async () => {
      await relayWebhookDeliveries(await getDb(), await getBoss());
    },
    { immediately: true },
  );
}

/**
 * Starts `count` webhook delivery workers in this process (`npm start` runs WEBHOOK_WORKERS
 * of them, `npm run worker` too). Each makes one attempt at a time.
 */
export function startWebhookWorkers(count: number, deps: DeliverDeps = webhookDeps()): Promise<string[]> {
  globalForWebhooks.__aiNomadsWebhookWorkers ??= (async () => {
    const boss = await getBoss();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      // Its own id, for the handler (which may run before boss.work returns).
      const self: { id?: string } = {};
      self.id = await boss.work<DeliveryJob>(
        WEBHOOKS_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: 2 },
        async (jobs) => {
          const db = await getDb();
          try {
            for (const job of jobs) {
              try {
                await attemptWebhookDelivery(db, job.data, deps);
              } catch (error) {
                // The attempt is recorded by attemptWebhookDelivery; this is the database failing: the job is retried.
                console.error(`[webhooks] delivery ${job.data.deliveryId}: ${describeError(error)}`);
                throw error;
              }
            }
          } finally {
            // Straight on to the next job rather than after the polling interval.
            if (self.id) boss.notifyWorker(self.id);
          }
        },
      );
      ids.push(self.id);
    }
    return ids;
  })();
  return globalForWebhooks.__aiNomadsWebhookWorkers;
}
