import { NextResponse } from "next/server";
import { z } from "zod";
import { getOrganizationForMember } from "@/db/queries/organizations";
import { buyerDashboard, withDashboardSlot } from "@/lib/dashboards/data";
import { resolveRange } from "@/lib/dashboards/range";
import { AppError } from "@/lib/errors";
import { withSession } from "@/lib/http/with-session";

const query = z.object({ agent: z.uuid().optional(), key: z.uuid().optional() });

/** An organisation's usage charts, for its members only (others get 404, as if it did not exist). */
export const GET = withSession<{ orgId: string }>(async ({ db, request, user, params }) => {
  if (!z.uuid().safeParse(params.orgId).success) throw new AppError("NOT_FOUND");
  const org = await getOrganizationForMember(db, { orgId: params.orgId, userId: user.id });
  if (!org) throw new AppError("NOT_FOUND");
  const search = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = query.safeParse(search);
  if (!parsed.success) throw new AppError("INVALID_INPUT", "Unknown agent or key.");
  const range = resolveRange(search);
  const data = await withDashboardSlot(user.id, request.signal, () =>
    buyerDashboard(db, { orgId: org.id, agentId: parsed.data.agent, apiKeyId: parsed.data.key }, range),
  );
  return NextResponse.json(data, { headers: { "cache-control": "private, no-store" } });
});
