"use server";

import { z } from "zod";
import { createAuditEntry } from "@/db/queries/audit-log";
import { createOrganization } from "@/db/queries/organizations";
import { defineAuthAction } from "@/lib/actions/define-action";
import { isUniqueViolation } from "@/lib/errors";
import { slugify, slugWithSuffix } from "@/lib/slug";

const schema = z.object({
  name: z.string().trim().min(2, "Use at least 2 characters.").max(80, "Use at most 80 characters."),
});

export const createOrganizationAction = defineAuthAction("create-organization", schema, async (input, { db, user }) => {
  for (let attempt = 0; ; attempt++) {
    const slug = attempt === 0 ? slugify(input.name) : slugWithSuffix(input.name);
    try {
      return await db.transaction(async (tx) => {
        const org = await createOrganization(tx, { name: input.name, slug, userId: user.id });
        await createAuditEntry(tx, {
          actorUserId: user.id,
          orgId: org.id,
          action: "org.created",
          targetType: "organization",
          targetId: org.id,
        });
        return org;
      });
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 4) throw error;
    }
  }
});
