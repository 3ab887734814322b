import { NextResponse } from "next/server";
import { z } from "zod";
import { creatorDashboard, withDashboardSlot } from "@/lib/dashboards/data";
import { resolveRange } from "@/lib/dashboards/range";
import { AppError } from "@/lib/errors";
import { withSession } from "@/lib/http/with-session";

const query = z.object({
  agent: z.string().min(1).max(100).optional(),
  version: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

/** The signed-in creator's dashboard data (all their agents, or one and a version); the query string is the page's URL state. */
export const GET = withSession(async ({ db, request, user }) => {
  const search = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = query.safeParse(search);
  if (!parsed.success) throw new AppError("INVALID_INPUT", "Unknown agent or version.");
  const range = resolveRange(search);
  const data = await withDashboardSlot(user.id, request.signal, () =>
    creatorDashboard(
      db,
      { ownerId: user.id, agentSlug: parsed.data.agent, version: parsed.data.agent ? parsed.data.version : undefined },
      range,
    ),
  );
  return NextResponse.json(data, { headers: { "cache-control": "private, no-store" } });
});
