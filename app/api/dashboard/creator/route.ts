import { NextResponse } from "next/server";
import { creatorDashboardFor } from "@/lib/dashboards/data";
import { withSession } from "@/lib/http/with-session";

/** The signed-in creator's dashboard data (all their agents, or one and a version); the query string is the page's URL state. */
export const GET = withSession(async ({ db, request, user }) => {
  const search = Object.fromEntries(new URL(request.url).searchParams);
  const data = await creatorDashboardFor(db, user.id, search, request.signal);
  return NextResponse.json(data, { headers: { "cache-control": "private, no-store" } });
});
