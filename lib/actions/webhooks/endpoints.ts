"use server";

import { createAuditEntry } from "@/db/queries/audit-log";
import {
  createSingleWebhookDelivery,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  rotateWebhookSecret,
  setWebhookEndpointEnabled,
} from "@/db/queries/webhooks";
import { defineAuthAction } from "@/lib/actions/define-action";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { AppError } from "@/lib/errors";
import { MAX_ENDPOINTS_PER_ORG, TEST_EVENT_TYPE } from "@/lib/webhooks/events";
import { nudgeWebhookRelay, webhookDeps } from "@/lib/webhooks/relay";
import { generateWebhookSecret } from "@/lib/webhooks/signature";
import { checkWebhookTarget } from "@/lib/webhooks/target";
import { createWebhookSchema, endpointRefSchema, setEndpointEnabledSchema, webhookFormInput } from "./schemas";

/** A signing secret stays valid this long after a rotation (deliveries carry both signatures meanwhile). */
const ROTATION_OVERLAP_MS = 24 * 3600_000;

const notFound = () => new AppError("NOT_FOUND", "That webhook endpoint does not exist.");

/**
 * Adds a webhook endpoint (roles with webhooks.manage). Its signing secret is in this response and shown
 * once; the audit log records the endpoint, never the secret.
 */
export const createWebhookAction = defineAuthAction(
  "create-webhook",
  createWebhookSchema,
  async (input, { db, user }) => {
    const url = checkWebhookTarget(input.url, webhookDeps().policy);
    return db.transaction(async (tx) => {
      await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "webhooks.manage" });
      const secret = generateWebhookSecret();
      const events = [...new Set(input.events)];
      const endpoint = await createWebhookEndpoint(tx, {
        orgId: input.orgId,
        url: url.toString(),
        description: input.description,
        events,
        secret,
        createdBy: user.id,
        maxEndpoints: MAX_ENDPOINTS_PER_ORG,
      });
      if (!endpoint)
        throw new AppError("CONFLICT", `An organisation has at most ${MAX_ENDPOINTS_PER_ORG} webhook endpoints.`);
      await createAuditEntry(tx, {
        actorUserId: user.id,
        orgId: input.orgId,
        action: "webhook.created",
        targetType: "webhook_endpoint",
        targetId: endpoint.id,
        metadata: { url: endpoint.url, events },
      });
      return { id: endpoint.id, url: endpoint.url, secret };
    });
  },
  { fromForm: webhookFormInput },
);

/** Turns an endpoint off (its pending deliveries are dropped) or on again (roles with webhooks.manage). */
export const setWebhookEnabledAction = defineAuthAction(
  "set-webhook-enabled",
  setEndpointEnabledSchema,
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "webhooks.manage" });
      const endpoint = await setWebhookEndpointEnabled(tx, { ...input, now: new Date() });
      if (!endpoint) throw notFound();
      await createAuditEntry(tx, {
        actorUserId: user.id,
        orgId: input.orgId,
        action: input.enabled ? "webhook.enabled" : "webhook.disabled",
        targetType: "webhook_endpoint",
        targetId: endpoint.id,
        metadata: { url: endpoint.url },
      });
      return { id: endpoint.id, enabled: input.enabled };
    }),
);

/**
 * A new signing secret for an endpoint (roles with webhooks.manage), shown once; the old one keeps
 * signing beside it for a day, so the receiver can switch without missing a delivery.
 */
export const rotateWebhookSecretAction = defineAuthAction(
  "rotate-webhook-secret",
  endpointRefSchema,
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "webhooks.manage" });
      const secret = generateWebhookSecret();
      const previousUntil = new Date(Date.now() + ROTATION_OVERLAP_MS);
      const endpoint = await rotateWebhookSecret(tx, { ...input, secret, previousUntil });
      if (!endpoint) throw notFound();
      await createAuditEntry(tx, {
        actorUserId: user.id,
        orgId: input.orgId,
        action: "webhook.secret_rotated",
        targetType: "webhook_endpoint",
        targetId: endpoint.id,
        metadata: { url: endpoint.url },
      });
      return { id: endpoint.id, secret, previousUntil: previousUntil.toISOString() };
    }),
);

/** Deletes an endpoint and its deliveries (roles with webhooks.manage). */
export const deleteWebhookAction = defineAuthAction("delete-webhook", endpointRefSchema, async (input, { db, user }) =>
  db.transaction(async (tx) => {
    await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "webhooks.manage" });
    const endpoint = await deleteWebhookEndpoint(tx, input);
    if (!endpoint) throw notFound();
    await createAuditEntry(tx, {
      actorUserId: user.id,
      orgId: input.orgId,
      action: "webhook.deleted",
      targetType: "webhook_endpoint",
      targetId: endpoint.id,
      metadata: { url: endpoint.url },
    });
    return { id: endpoint.id };
  }),
);

/** Sends a `webhook.test` event to one enabled endpoint (roles with webhooks.manage), through the same queue and signing as every event. */
export const sendTestWebhookAction = defineAuthAction(
  "send-test-webhook",
  endpointRefSchema,
  async (input, { db, user }) => {
    const delivery = await db.transaction(async (tx) => {
      await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "webhooks.manage" });
      const now = new Date();
      const created = await createSingleWebhookDelivery(tx, {
        ...input,
        eventType: TEST_EVENT_TYPE,
        payload: {
          type: TEST_EVENT_TYPE,
          timestamp: now.toISOString(),
          data: { endpointId: input.endpointId, message: "A test event sent from the AI Nomads console." },
        },
        now,
      });
      if (!created) throw new AppError("NOT_FOUND", "That endpoint does not exist or is disabled.");
      return created;
    });
    nudgeWebhookRelay();
    return { id: delivery.id };
  },
);
