import "server-only";
import type { Db } from "@/db/client";
import { getOrganizationForMember } from "@/db/queries/organizations";
import { AppError } from "@/lib/errors";
import { can, ORG_ROLE_LABELS, type OrgPermission } from "./permissions";

/**
 * Throws NOT_FOUND unless the user is a member (so outsiders learn nothing about the
 * organisation), and FORBIDDEN when their role lacks the permission (lib/auth/permissions.ts).
 * Returns the organisation with the user's role.
 */
export async function requireOrgPermission(
  db: Db,
  params: { orgId: string; userId: string; permission: OrgPermission },
) {
  const org = await getOrganizationForMember(db, params);
  if (!org) throw new AppError("NOT_FOUND", "Organisation not found.");
  if (!can(org.role, params.permission)) {
    throw new AppError(
      "FORBIDDEN",
      `Your role in this organisation (${ORG_ROLE_LABELS[org.role].label.toLowerCase()}) does not allow that.`,
    );
  }
  return org;
}
