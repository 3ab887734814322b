import "server-only";
import { notFound } from "next/navigation";
import { getOrganizationForMember } from "@/db/queries/organizations";
import { getDb } from "@/lib/db";
import { requirePageUser } from "./session";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who views an organisation's page: signed in (otherwise sent to sign in and back to
 * `returnTo`) and a member (otherwise 404, so outsiders learn nothing), with their role.
 */
export async function requireOrgPage(orgId: string, returnTo: string) {
  const user = await requirePageUser(returnTo);
  if (!uuidPattern.test(orgId)) notFound();
  const db = await getDb();
  const org = await getOrganizationForMember(db, { orgId, userId: user.id });
  if (!org) notFound();
  return { user, db, org, isOwner: org.role === "owner" };
}
