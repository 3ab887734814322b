import { z } from "zod";
import { getOrganizationForMember } from "@/db/queries/organizations";
import { AppError } from "@/lib/errors";
import { withSession } from "@/lib/http/with-session";
import { liveStream } from "@/lib/live/stream";

const query = z.discriminatedUnion("scope", [
  z.object({ scope: z.literal("creator") }),
  z.object({ scope: z.literal("org"), org: z.uuid() }),
]);

/**
 * Live updates for an open dashboard (server-sent events): `scope=creator` hears the
 * signed-in creator's agents; `scope=org&org=…` hears one organisation the user belongs
 * to (anyone else gets 404, as if it did not exist).
 */
export const GET = withSession(async ({ db, request, user }) => {
  const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success)
    throw new AppError("INVALID_INPUT", "Use scope=creator, or scope=org with org=<organisation id>.");
  if (parsed.data.scope === "creator") return liveStream(user.id, { ownerId: user.id, orgId: null }, request.signal);
  const org = await getOrganizationForMember(db, { orgId: parsed.data.org, userId: user.id });
  if (!org) throw new AppError("NOT_FOUND");
  return liveStream(user.id, { ownerId: null, orgId: org.id }, request.signal);
});
