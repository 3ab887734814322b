"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { requestDataExport } from "@/db/queries/data-exports";
import { defineAuthAction } from "@/lib/actions/define-action";
import { enqueueDataExport } from "@/lib/data/export-queue";
import { AppError } from "@/lib/errors";

/** One export per account per this long. */
const EXPORT_INTERVAL_MS = 24 * 3600_000;

/**
 * Asks for an export of everything the product holds about the signed-in account; it is
 * built in the background and downloadable once from the settings page. Once a day.
 */
export const requestDataExportAction = defineAuthAction(
  "request-data-export",
  z.object({}),
  async (_input, { db, user }) => {
    const requested = await db.transaction(async (tx) => {
      const row = await requestDataExport(tx, { userId: user.id, since: new Date(Date.now() - EXPORT_INTERVAL_MS) });
      if (!row)
        throw new AppError("RATE_LIMITED", "You asked for an export in the last 24 hours; download that one.", {
          retryAfterSeconds: EXPORT_INTERVAL_MS / 1000,
        });
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "data.export_requested",
        targetType: "data_export",
        targetId: row.id,
      });
      return row;
    });
    await enqueueDataExport(requested.id);
    return { id: requested.id };
  },
);
