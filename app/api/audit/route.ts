import { listAuditTrail } from "@/db/queries/audit-log";
import { auditCsv, parseAuditFilters, TRAIL_EXPORT_MAX } from "@/lib/audit/trail";
import { requireOperator } from "@/lib/auth/operator";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { AppError } from "@/lib/errors";
import { withSession } from "@/lib/http/with-session";
import { isUuid } from "@/lib/platform/uuid";

export const dynamic = "force-dynamic";

/**
 * A trail as CSV, with the filters of its page: `?org=ID` an organisation's (for roles that
 * read it), `?platform` the whole platform's (operators), otherwise the signed-in person's
 * own. At most TRAIL_EXPORT_MAX entries.
 */
export const GET = withSession(async ({ db, request, user }) => {
  const query = new URL(request.url).searchParams;
  const parsed = parseAuditFilters(query);
  if (!parsed.ok) throw new AppError("INVALID_INPUT", undefined, { fieldErrors: parsed.errors });
  const org = query.get("org");
  if (org !== null && !isUuid(org)) throw new AppError("NOT_FOUND", "Organisation not found.");
  if (org) await requireOrgPermission(db, { orgId: org, userId: user.id, permission: "audit.read" });
  const platform = org === null && query.has("platform");
  if (platform) await requireOperator(db, user.id);
  const entries = await listAuditTrail(db, {
    ...(org ? { orgId: org } : platform ? { platform: true as const } : { userId: user.id }),
    ...parsed.filters,
    limit: TRAIL_EXPORT_MAX,
  });
  return new Response(auditCsv(entries), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${org ? "organisation" : platform ? "platform" : "my"}-activity.csv"`,
      "cache-control": "no-store",
    },
  });
});
