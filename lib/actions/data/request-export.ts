"use server";

import { z } from "zod";
import type { Db } from "@/db/client";
import { createAuditEntry } from "@/db/queries/audit-log";
import { requestDataExport } from "@/db/queries/data-exports";
import { defineAuthAction } from "@/lib/actions/define-action";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { enqueueDataExport } from "@/lib/data/export-queue";
import { AppError } from "@/lib/errors";

/** One export per account (and per organisation it asks for) per this long. */
const EXPORT_INTERVAL_MS = 24 * 3600_000;

/** Records the request (rate limited, on the trail) and queues it for the builder. */
async function requestExport(db: Db, params: { userId: string; orgId: string | null }) {
  const requested = await db.transaction(async (tx) => {
    if (params.orgId)
      await requireOrgPermission(tx, { orgId: params.orgId, userId: params.userId, permission: "data.export" });
    const row = await requestDataExport(tx, { ...params, since: new Date(Date.now() - EXPORT_INTERVAL_MS) });
    if (!row)
      throw new AppError("RATE_LIMITED", "You asked for an export in the last 24 hours; download that one.", {
        retryAfterSeconds: EXPORT_INTERVAL_MS / 1000,
      });
    await createAuditEntry(tx, {
      actorUserId: params.userId,
      orgId: params.orgId,
      action: "data.export_requested",
      targetType: "data_export",
      targetId: row.id,
    });
    return row;
  });
  await enqueueDataExport(requested.id);
  return { id: requested.id };
}

/**
 * Asks for an export of everything the product holds about the signed-in account; it is
 * built in the background and downloadable once from the settings page. Once a day.
 */
export const requestDataExportAction = defineAuthAction(
  "request-data-export",
  z.object({}),
  async (_input, { db, user }) => requestExport(db, { userId: user.id, orgId: null }),
);

/**
 * Asks for an export of an organisation's data (its owners): built in the background and
 * downloadable once, by whoever asked, from the organisation's page. Once a day per owner.
 */
export const requestOrgExportAction = defineAuthAction(
  "request-org-export",
  z.object({ orgId: z.uuid() }),
  async (input, { db, user }) => requestExport(db, { userId: user.id, orgId: input.orgId }),
);
