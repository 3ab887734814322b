"use server";

import { replayWebhookDelivery } from "@/db/queries/webhooks";
import { defineAuthAction } from "@/lib/actions/define-action";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { AppError } from "@/lib/errors";
import { nudgeWebhookRelay } from "@/lib/webhooks/relay";
import { deliveryRefSchema } from "./schemas";

/**
 * Sends a delivery again now, under the same `webhook-id` (roles with webhooks.manage): after the receiver
 * was fixed, or to process an event a second time on purpose.
 */
export const replayWebhookDeliveryAction = defineAuthAction(
  "replay-webhook-delivery",
  deliveryRefSchema,
  async (input, { db, user }) => {
    const delivery = await db.transaction(async (tx) => {
      await requireOrgPermission(tx, { orgId: input.orgId, userId: user.id, permission: "webhooks.manage" });
      return replayWebhookDelivery(tx, { ...input, now: new Date() });
    });
    if (!delivery) throw new AppError("NOT_FOUND", "That delivery does not exist, or its endpoint is disabled.");
    nudgeWebhookRelay();
    return { id: delivery.id };
  },
);
