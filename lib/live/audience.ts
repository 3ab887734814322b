import "server-only";
import { z } from "zod";
import type { Db } from "@/db/client";
import { getOrganizationForMember } from "@/db/queries/organizations";
import { AppError } from "@/lib/errors";

const query = z.discriminatedUnion("scope", [
  z.object({ scope: z.literal("creator") }),
  z.object({ scope: z.literal("org"), org: z.uuid() }),
]);

/**
 * Whose events a live stream may hear: `scope=creator` the signed-in creator's agents;
 * `scope=org&org=…` one organisation the user belongs to (anyone else gets NOT_FOUND, as
 * if it did not exist). Both transports of the stream ask here.
 */
export async function liveAudience(
  db: Db,
  userId: string,
  params: URLSearchParams,
): Promise<{ ownerId: string | null; orgId: string | null }> {
  const parsed = query.safeParse(Object.fromEntries(params));
  if (!parsed.success)
    throw new AppError("INVALID_INPUT", "Use scope=creator, or scope=org with org=<organisation id>.");
  if (parsed.data.scope === "creator") return { ownerId: userId, orgId: null };
  const org = await getOrganizationForMember(db, { orgId: parsed.data.org, userId });
  if (!org) throw new AppError("NOT_FOUND");
  return { ownerId: null, orgId: org.id };
}
