"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { closeAbuseReport } from "@/db/queries/operator";
import { defineOperatorAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

/** Closes an open abuse report as resolved (acted on) or dismissed; on the trail with it. */
export const closeReportAction = defineOperatorAction(
  "close-report",
  z.object({ reportId: z.uuid(), status: z.enum(["resolved", "dismissed"]) }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      const report = await closeAbuseReport(tx, { ...input, by: user.id, now: new Date() });
      if (!report) throw new AppError("CONFLICT", "There is no such open report.");
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: `operator.report_${input.status}`,
        targetType: "abuse_report",
        targetId: report.id,
        metadata: { agentId: report.agentId },
      });
      return { reportId: report.id };
    }),
);
