import "server-only";
import { notFound } from "next/navigation";
import { getOrganizationForMember } from "@/db/queries/organizations";
import { getDb } from "@/lib/db";
import { can, type OrgPermission } from "./permissions";
import { requirePageUser } from "./session";
import { isUuid } from "@/lib/platform/uuid";

/**
 * Who views an organisation's page: signed in (otherwise sent to sign in and back to
 * `returnTo`) and a member (otherwise 404, so outsiders learn nothing), with their role and
 * what it allows (`may`, from lib/auth/permissions.ts: pages show only the controls it allows).
 */
export async function requireOrgPage(orgId: string, returnTo: string) {
  const user = await requirePageUser(returnTo);
  if (!isUuid(orgId)) notFound();
  const db = await getDb();
  const org = await getOrganizationForMember(db, { orgId, userId: user.id });
  if (!org) notFound();
  return { user, db, org, may: (permission: OrgPermission) => can(org.role, permission) };
}
