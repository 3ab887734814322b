import { getOrgUsage } from "@/db/queries/api-runs";
import { withApiKey } from "@/lib/api/with-api-key";
import { problemResponse } from "@/lib/api/problem";
import { parseUsagePeriod } from "@/lib/api/usage-period";
import { jsonResponse } from "@/lib/api/json-response";

/** API runs of the key's organisation in a period (default: this calendar month, UTC), per agent and key and per day. */
export const getUsage = withApiKey(async ({ db, request, key, headers }) => {
  const url = new URL(request.url);
  const period = parseUsagePeriod(url.searchParams.get("from"), url.searchParams.get("to"));
  if (!period.ok) return problemResponse("invalid-request", period.message, { headers });
  const usage = await getOrgUsage(db, { orgId: key.orgId, from: period.from, to: period.to });
  return jsonResponse(
    {
      organization: key.orgName,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      byAgentAndKey: usage.byAgentKey.map((u) => ({
        agent: u.agentSlug,
        key: u.apiKeyId ? { id: u.apiKeyId, name: u.keyName, prefix: u.keyPrefix } : null,
        runs: u.runs,
        succeeded: u.succeeded,
        failed: u.failed,
        refunded: u.refunded,
        creditsUsed: u.runs - u.refunded,
      })),
      byDay: usage.byDay.map((d) => ({
        day: d.day,
        runs: d.runs,
        succeeded: d.succeeded,
        failed: d.failed,
        refunded: d.refunded,
      })),
    },
    { headers },
  );
});
