import { z } from "zod";
import type { Db } from "@/db/client";
import { listAuditTrail, type AuditFilters } from "@/db/queries/audit-log";
import { toCsv } from "@/lib/csv";

/** Entries a trail view shows, and a CSV export holds, at most. */
export const TRAIL_PAGE = 200;
export const TRAIL_EXPORT_MAX = 10_000;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-12-05.")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "Use a real date.");

/** A trail's filters from a URL's query (all optional): actor, action (a prefix ends with "."), from and to (UTC days, to inclusive). */
export const auditFiltersSchema = z.object({
  actor: z.uuid("Choose a person from the list.").optional(),
  action: z
    .string()
    .trim()
    .max(80)
    .regex(/^[a-z_.]*$/, "Actions look like member.invited, or user. for every user action.")
    .optional(),
  from: day.optional(),
  to: day.optional(),
});

type Query = Record<string, string | string[] | undefined> | URLSearchParams;

const first = (query: Query, name: string) => {
  const value = query instanceof URLSearchParams ? query.get(name) : query[name];
  const one = Array.isArray(value) ? value[0] : value;
  return one === null || one === undefined || one === "" ? undefined : one;
};

/** The filters in a query, or the messages of those that are wrong. */
export function parseAuditFilters(
  query: Query,
):
  | { ok: true; filters: AuditFilters; values: z.output<typeof auditFiltersSchema> }
  | { ok: false; errors: Record<string, string[]> } {
  const parsed = auditFiltersSchema.safeParse({
    actor: first(query, "actor"),
    action: first(query, "action"),
    from: first(query, "from"),
    to: first(query, "to"),
  });
  if (!parsed.success)
    return { ok: false, errors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]> };
  const v = parsed.data;
  return {
    ok: true,
    values: v,
    filters: {
      actorUserId: v.actor,
      action: v.action || undefined,
      from: v.from ? new Date(`${v.from}T00:00:00Z`) : undefined,
      to: v.to ? new Date(Date.parse(`${v.to}T00:00:00Z`) + 86_400_000) : undefined,
    },
  };
}

type Entry = {
  createdAt: Date;
  action: string;
  actorUserId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  metadata: unknown;
};

/** A trail as CSV: time (UTC), action, actor, target, details (JSON). */
export function auditCsv(entries: Entry[]): string {
  return toCsv(
    ["time_utc", "action", "actor_id", "actor", "target_type", "target_id", "details"],
    entries.map((e) => [
      e.createdAt.toISOString(),
      e.action,
      e.actorUserId,
      e.actorName ?? e.actorEmail,
      e.targetType,
      e.targetId,
      JSON.stringify(e.metadata ?? {}),
    ]),
  );
}

/**
 * What a trail page shows for its URL's query: the scope's entries with the filters (none
 * while a filter is wrong), the filters as typed and their errors; spread into AuditTrail.
 */
export async function trailView(
  db: Db,
  scope: { orgId: string } | { userId: string } | { platform: true },
  query: Query,
) {
  const parsed = parseAuditFilters(query);
  return {
    entries: parsed.ok ? await listAuditTrail(db, { ...scope, ...parsed.filters, limit: TRAIL_PAGE }) : [],
    values: parsed.ok ? parsed.values : {},
    errors: parsed.ok ? undefined : parsed.errors,
    limit: TRAIL_PAGE,
  };
}
