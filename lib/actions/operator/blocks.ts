"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { liftRequestBlock } from "@/db/queries/operator";
import { defineOperatorAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";
import { threats } from "@/lib/security/threats";

/** Ends a threat-detection block now (other instances follow within seconds); on the trail. */
export const liftBlockAction = defineOperatorAction(
  "lift-block",
  z.object({ source: z.string().regex(/^(ip|key):[^\s]{1,64}$/, "Not a blocked source.") }),
  async (input, { db, user }) => {
    const lifted = await db.transaction(async (tx) => {
      const row = await liftRequestBlock(tx, { source: input.source, now: new Date() });
      if (!row) throw new AppError("CONFLICT", "That source is not blocked.");
      await createAuditEntry(tx, {
        actorUserId: user.id,
        action: "operator.block_lifted",
        targetType: "request_source",
        targetId: row.source,
      });
      return row;
    });
    threats().forget(lifted.source);
    return lifted;
  },
);
