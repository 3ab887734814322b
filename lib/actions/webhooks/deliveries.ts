"use server";

import { replayWebhookDelivery } from "@/db/queries/webhooks";
import { defineAuthAction } from "@/lib/actions/define-action";
import { requireOrgRole } from "@/lib/auth/org-role";
import { AppError } from "@/lib/errors";
import { nudgeWebhookRelay } from "@/lib/webhooks/relay";
import { deliveryRefSchema } from "./schemas";

/**
 * Sends a delivery again now, under the same `webhook-id` (owners only): after the receiver
 * was fixed, or to process an event a second time on purpose.
 */
export const replayWebhookDeliveryAction = defineAuthAction(
  "replay-webhook-delivery",
  deliveryRefSchema,
  async (input, { db, user }) => {
    const delivery = await db.transaction(async (tx) => {
      await requireOrgRole(tx, { orgId: input.orgId, userId: user.id, role: "owner" });
      return replayWebhookDelivery(tx, { ...input, now: new Date() });
    });
    if (!delivery) throw new AppError("NOT_FOUND", "That delivery does not exist, or its endpoint is disabled.");
    nudgeWebhookRelay();
    return { id: delivery.id };
  },
);
