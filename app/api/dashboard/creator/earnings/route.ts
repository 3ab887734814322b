import { jsonResponse } from "@/lib/api/json-response";
import { resolveChainConfig } from "@/lib/chain/config";
import { withDashboardSlot } from "@/lib/dashboards/data";
import { creatorEarnings } from "@/lib/dashboards/earnings";
import { withSession } from "@/lib/http/with-session";

/** The signed-in creator's earnings per payee wallet: claimable now (on-chain) and withdrawn (indexed). */
export const GET = withSession(async ({ db, request, user }) => {
  const data = await withDashboardSlot(user.id, request.signal, () =>
    creatorEarnings(db, resolveChainConfig(), user.id),
  );
  return jsonResponse(data, { headers: { "cache-control": "private, no-store" } });
});
