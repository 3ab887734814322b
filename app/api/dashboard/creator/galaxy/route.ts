import { withDashboardSlot } from "@/lib/dashboards/data";
import { jsonResponse } from "@/lib/api/json-response";
import { creatorGalaxy } from "@/lib/galaxy/data";
import { withSession } from "@/lib/http/with-session";

/** The signed-in creator's own published agents as a galaxy. */
export const GET = withSession(async ({ db, request, user }) => {
  const data = await withDashboardSlot(user.id, request.signal, () => creatorGalaxy(db, user.id));
  return jsonResponse(data, { headers: { "cache-control": "private, no-store" } });
});
