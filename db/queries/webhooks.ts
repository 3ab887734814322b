import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../schema";
import { rowsOf } from "./raw-rows";

const endpointColumns = {
  id: webhookEndpoints.id,
  orgId: webhookEndpoints.orgId,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  events: webhookEndpoints.events,
  disabledAt: webhookEndpoints.disabledAt,
  disabledReason: webhookEndpoints.disabledReason,
  previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
  createdAt: webhookEndpoints.createdAt,
};

export type WebhookEndpoint = Awaited<ReturnType<typeof listWebhookEndpoints>>[number];

/**
 * Adds an endpoint to an organisation, unless it has `maxEndpoints` already (checked under a
 * per-organisation lock, so two requests at once cannot both pass). Run inside a
 * transaction. Undefined when the organisation is at its limit.
 */
export async function createWebhookEndpoint(
  db: Db,
  params: {
    orgId: string;
    url: string;
    description: string;
    events: string[];
    secret: string;
    createdBy: string;
    maxEndpoints: number;
  },
) {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${"webhooks:" + params.orgId}, 0))`);
  const [{ n } = { n: 0 }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.orgId, params.orgId));
  if (n >= params.maxEndpoints) return undefined;
  const { maxEndpoints: _max, ...values } = params;
  const [row] = await db.insert(webhookEndpoints).values(values).returning(endpointColumns);
  return row!;
}

/** An organisation's endpoints, oldest first, without their secrets. */
export async function listWebhookEndpoints(db: Db, params: { orgId: string }) {
  return db
    .select(endpointColumns)
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.orgId, params.orgId))
    .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
}

/**
 * Turns an endpoint of the organisation off (its pending deliveries are dropped) or on
 * again. Undefined when there is no such endpoint.
 */
export async function setWebhookEndpointEnabled(
  db: Db,
  params: { orgId: string; endpointId: string; enabled: boolean; reason?: string; now: Date },
) {
  const [row] = await db
    .update(webhookEndpoints)
    .set(
      params.enabled
        ? { disabledAt: null, disabledReason: null }
        : { disabledAt: params.now, disabledReason: params.reason ?? "Disabled by an owner." },
    )
    .where(and(eq(webhookEndpoints.id, params.endpointId), eq(webhookEndpoints.orgId, params.orgId)))
    .returning(endpointColumns);
  if (row && !params.enabled) await cancelPendingDeliveries(db, { endpointId: row.id });
  return row;
}

async function cancelPendingDeliveries(db: Db, params: { endpointId: string }) {
  await db
    .update(webhookDeliveries)
    .set({ status: "cancelled", lastError: "The endpoint was disabled.", claimedUntil: null })
    .where(and(eq(webhookDeliveries.endpointId, params.endpointId), eq(webhookDeliveries.status, "pending")));
}

/**
 * A new signing secret for an endpoint; the previous one keeps signing (a second signature)
 * until `previousUntil`, so receivers can switch without missing a delivery.
 */
export async function rotateWebhookSecret(
  db: Db,
  params: { orgId: string; endpointId: string; secret: string; previousUntil: Date },
) {
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      previousSecret: sql`${webhookEndpoints.secret}`,
      previousSecretExpiresAt: params.previousUntil,
      secret: params.secret,
    })
    .where(and(eq(webhookEndpoints.id, params.endpointId), eq(webhookEndpoints.orgId, params.orgId)))
    .returning(endpointColumns);
  return row;
}

/** Deletes an endpoint of the organisation and its deliveries. */
export async function deleteWebhookEndpoint(db: Db, params: { orgId: string; endpointId: string }) {
  const [row] = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, params.endpointId), eq(webhookEndpoints.orgId, params.orgId)))
    .returning(endpointColumns);
  return row;
}

const deliveryColumns = {
  id: webhookDeliveries.id,
  endpointId: webhookDeliveries.endpointId,
  eventType: webhookDeliveries.eventType,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  lastStatusCode: webhookDeliveries.lastStatusCode,
  lastError: webhookDeliveries.lastError,
  deliveredAt: webhookDeliveries.deliveredAt,
  createdAt: webhookDeliveries.createdAt,
};

/** An organisation's latest deliveries (of one endpoint, or all), newest first. */
export async function listWebhookDeliveries(db: Db, params: { orgId: string; endpointId?: string; limit: number }) {
  return db
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.orgId, params.orgId),
        params.endpointId ? eq(webhookDeliveries.endpointId, params.endpointId) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(params.limit);
}

/** The attempts of these deliveries of the organisation, newest first. */
export async function listWebhookAttempts(db: Db, params: { orgId: string; deliveryIds: string[] }) {
  if (!params.deliveryIds.length) return [];
  return db
    .select({
      deliveryId: webhookAttempts.deliveryId,
      attemptedAt: webhookAttempts.attemptedAt,
      statusCode: webhookAttempts.statusCode,
      durationMs: webhookAttempts.durationMs,
      error: webhookAttempts.error,
    })
    .from(webhookAttempts)
    .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, webhookAttempts.deliveryId))
    .where(and(eq(webhookDeliveries.orgId, params.orgId), inArray(webhookAttempts.deliveryId, params.deliveryIds)))
    .orderBy(desc(webhookAttempts.attemptedAt));
}

/** A delivery of the organisation as it was sent: its payload (for the console). */
export async function getWebhookDeliveryPayload(db: Db, params: { orgId: string; deliveryId: string }) {
  const [row] = await db
    .select({ payload: webhookDeliveries.payload })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, params.deliveryId), eq(webhookDeliveries.orgId, params.orgId)));
  return row?.payload;
}

/**
 * Sends a delivery of the organisation again, now, under the same id (a receiver that
 * deduplicates sees it as the same message): whatever its state, unless its endpoint is
 * disabled. Undefined when there is no such delivery or its endpoint is off.
 */
export async function replayWebhookDelivery(db: Db, params: { orgId: string; deliveryId: string; now: Date }) {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: "pending", nextAttemptAt: params.now, sentAt: null, claimedUntil: null, deliveredAt: null })
    .where(
      and(
        eq(webhookDeliveries.id, params.deliveryId),
        eq(webhookDeliveries.orgId, params.orgId),
        sql`exists (select 1 from ${webhookEndpoints} w where w.id = ${webhookDeliveries.endpointId} and w.disabled_at is null)`,
      ),
    )
    .returning(deliveryColumns);
  return row;
}

/** A delivery of `payload` to one endpoint of the organisation (the console's test event). */
export async function createSingleWebhookDelivery(
  db: Db,
  params: { orgId: string; endpointId: string; eventType: string; payload: unknown; now: Date },
) {
  const [endpoint] = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.id, params.endpointId),
        eq(webhookEndpoints.orgId, params.orgId),
        sql`${webhookEndpoints.disabledAt} is null`,
      ),
    );
  if (!endpoint) return undefined;
  const [row] = await db
    .insert(webhookDeliveries)
    .values({
      endpointId: endpoint.id,
      orgId: params.orgId,
      eventType: params.eventType,
      payload: params.payload,
      nextAttemptAt: params.now,
    })
    .returning(deliveryColumns);
  return row!;
}

/**
 * The outbox relay's claim: up to `limit` pending deliveries that are due and need a queue
 * job, marked sent: those never sent (new, or due for their next attempt), and those whose
 * job was lost (sent over `lostAfterMs` ago and not being attempted: the process that sent
 * or ran it died). At most `perOrg` of an organisation's deliveries are sent and unfinished
 * at once, so one tenant's backlog cannot fill the queue ahead of everyone else's. Instances
 * relaying at once do not take the same row (the update re-checks it).
 */
export async function takeWebhookDeliveriesToSend(
  db: Db,
  params: { now: Date; limit: number; lostAfterMs: number; perOrg: number },
) {
  const now = params.now.toISOString();
  const lostBefore = new Date(params.now.getTime() - params.lostAfterMs).toISOString();
  const lost = sql`(sent_at < ${lostBefore}::timestamptz and (claimed_until is null or claimed_until < ${now}::timestamptz))`;
  const result = await db.execute(sql`
    with in_flight as (
      select org_id, count(*)::int as n from webhook_deliveries
      where status = 'pending' and sent_at is not null and not ${lost}
      group by org_id
    ), candidates as (
      select id, org_id, next_attempt_at,
             row_number() over (partition by org_id order by next_attempt_at, id) as rank
      from webhook_deliveries
      where status = 'pending' and next_attempt_at <= ${now}::timestamptz and (sent_at is null or ${lost})
    ), picked as (
      select c.id from candidates c left join in_flight f on f.org_id = c.org_id
      where c.rank + coalesce(f.n, 0) <= ${params.perOrg}
      order by c.next_attempt_at
      limit ${params.limit}
    )
    update webhook_deliveries d set sent_at = ${now}::timestamptz
    from picked p
    where d.id = p.id and d.status = 'pending' and (d.sent_at is null or ${lost})
    returning d.id, d.org_id, d.next_attempt_at`);
  return rowsOf(result).map((row) => ({
    id: row.id as string,
    orgId: row.org_id as string,
    nextAttemptAt: new Date(row.next_attempt_at as string | Date),
  }));
}

/**
 * Claims a delivery for one attempt: only a pending one that is due and not being attempted
 * (a second job for it finds nothing); it counts the attempt and holds the claim until
 * `claimUntil`. With it come its endpoint's address and the secrets that sign it now.
 */
export async function claimWebhookDelivery(db: Db, params: { deliveryId: string; now: Date; claimUntil: Date }) {
  const now = params.now.toISOString();
  const result = await db.execute(sql`
    with claimed as (
      update webhook_deliveries d set attempts = d.attempts + 1, claimed_until = ${params.claimUntil.toISOString()}::timestamptz
      where d.id = ${params.deliveryId} and d.status = 'pending'
        and d.next_attempt_at <= ${now}::timestamptz + interval '1 second'
        and (d.claimed_until is null or d.claimed_until < ${now}::timestamptz)
      returning d.id, d.endpoint_id, d.org_id, d.event_type, d.payload, d.attempts
    )
    select c.*, w.url, w.secret,
           case when w.previous_secret_expires_at > ${now}::timestamptz then w.previous_secret end as previous_secret,
           w.disabled_at is not null as endpoint_disabled
    from claimed c join webhook_endpoints w on w.id = c.endpoint_id`);
  const [row] = rowsOf(result);
  if (!row) return undefined;
  return {
    id: row.id as string,
    endpointId: row.endpoint_id as string,
    orgId: row.org_id as string,
    eventType: row.event_type as string,
    payload: row.payload as unknown,
    attempts: Number(row.attempts),
    url: row.url as string,
    secrets: [row.secret as string, ...(row.previous_secret ? [row.previous_secret as string] : [])],
    endpointDisabled: row.endpoint_disabled === true,
  };
}

/** Puts a claimed delivery back without an attempt, to be tried at `at` (the organisation is at its limit of attempts at once). */
export async function deferWebhookDelivery(db: Db, params: { deliveryId: string; at: Date }) {
  await db
    .update(webhookDeliveries)
    .set({
      nextAttemptAt: params.at,
      sentAt: null,
      claimedUntil: null,
      attempts: sql`greatest(${webhookDeliveries.attempts} - 1, 0)`,
    })
    .where(and(eq(webhookDeliveries.id, params.deliveryId), eq(webhookDeliveries.status, "pending")));
}

/** How an attempt ended, for the delivery: `retry` at nextAttemptAt, or done. */
export type AttemptEnd =
  | { outcome: "delivered" }
  | { outcome: "retry"; nextAttemptAt: Date }
  | { outcome: "failed" }
  | { outcome: "gone" }
  | { outcome: "cancelled" };

/**
 * Records an attempt and what follows from it, in one transaction: delivered; to be retried
 * (the relay sends its next job); given up; or, when the endpoint answered 410 Gone, the
 * endpoint disabled and its pending deliveries dropped.
 */
export async function recordWebhookAttempt(
  db: Db,
  params: {
    deliveryId: string;
    endpointId: string;
    attemptedAt: Date;
    statusCode: number | null;
    durationMs: number;
    error: string | null;
    end: AttemptEnd;
  },
) {
  await db.transaction(async (tx) => {
    if (params.end.outcome !== "cancelled")
      await tx.insert(webhookAttempts).values({
        deliveryId: params.deliveryId,
        attemptedAt: params.attemptedAt,
        statusCode: params.statusCode,
        durationMs: params.durationMs,
        error: params.error,
      });
    const end = params.end;
    const status =
      end.outcome === "delivered"
        ? "delivered"
        : end.outcome === "retry"
          ? "pending"
          : end.outcome === "cancelled"
            ? "cancelled"
            : "failed";
    await tx
      .update(webhookDeliveries)
      .set({
        status,
        lastStatusCode: params.statusCode,
        lastError: end.outcome === "cancelled" ? "The endpoint was disabled." : params.error,
        claimedUntil: null,
        sentAt: null,
        ...(end.outcome === "delivered" ? { deliveredAt: params.attemptedAt } : {}),
        ...(end.outcome === "retry" ? { nextAttemptAt: end.nextAttemptAt } : {}),
      })
      .where(eq(webhookDeliveries.id, params.deliveryId));
    if (end.outcome === "gone") {
      await tx
        .update(webhookEndpoints)
        .set({ disabledAt: params.attemptedAt, disabledReason: "The endpoint answered 410 Gone." })
        .where(eq(webhookEndpoints.id, params.endpointId));
      await cancelPendingDeliveries(tx, { endpointId: params.endpointId });
    }
  });
}

/** Deletes up to `limit` deliveries created before `before` (and their attempts); returns how many. */
export async function deleteWebhookDeliveriesBefore(db: Db, params: { before: Date; limit: number }) {
  const deleted = await db
    .delete(webhookDeliveries)
    .where(
      inArray(
        webhookDeliveries.id,
        db
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .where(and(lt(webhookDeliveries.createdAt, params.before), sql`${webhookDeliveries.status} <> 'pending'`))
          .limit(params.limit),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return deleted.length;
}
