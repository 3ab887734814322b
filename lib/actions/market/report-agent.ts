"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { createAbuseReport, REPORTS_PER_DAY } from "@/db/queries/operator";
import { abuseReasons } from "@/db/schema";
import { defineAuthAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";

/**
 * Files an abuse report on a published agent, for the platform's operators: one open
 * report per agent and reporter, at most REPORTS_PER_DAY a day.
 */
export const reportAgentAction = defineAuthAction(
  "report-agent",
  z.object({
    agentId: z.uuid(),
    reason: z.enum(abuseReasons),
    details: z.string().trim().max(2000, "At most 2,000 characters.").default(""),
  }),
  async (input, { db, user }) =>
    db.transaction(async (tx) => {
      const filed = await createAbuseReport(tx, { ...input, reporterId: user.id, now: new Date() });
      if (!filed.ok) {
        if (filed.reason === "not_found") throw new AppError("NOT_FOUND", "There is no such agent.");
        if (filed.reason === "open")
          throw new AppError("CONFLICT", "You have reported this agent already; the operators are looking into it.");
        throw new AppError("RATE_LIMITED", `At most ${REPORTS_PER_DAY} reports a day.`);
      }
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "agent.reported",
        targetType: "agent",
        targetId: input.agentId,
        metadata: { reportId: filed.id, reason: input.reason },
      });
      return { reportId: filed.id };
    }),
);
