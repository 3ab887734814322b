import "server-only";
import type { Db } from "@/db/client";
import { getOrganizationForMember } from "@/db/queries/organizations";
import type { MembershipRole } from "@/db/schema";
import { AppError } from "@/lib/errors";

/**
 * Throws NOT_FOUND unless the user is a member (so outsiders learn nothing about the
 * organisation), and FORBIDDEN when the action needs an owner and the user is not one.
 */
export async function requireOrgRole(db: Db, params: { orgId: string; userId: string; role: MembershipRole }) {
  const org = await getOrganizationForMember(db, params);
  if (!org) throw new AppError("NOT_FOUND", "Organisation not found.");
  if (params.role === "owner" && org.role !== "owner") {
    throw new AppError("FORBIDDEN", "Only an owner of this organisation can do that.");
  }
  return org;
}
