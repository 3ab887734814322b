import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Select } from "@/components/ui/input";

type Entry = {
  id: string;
  createdAt: Date;
  action: string;
  actorName: string | null;
  actorEmail: string | null;
  targetType: string | null;
  targetId: string | null;
  metadata: unknown;
};

/** What of an entry's details the table shows (ids, roles, methods, addresses; never secrets, which are never stored). */
function details(metadata: unknown): string {
  if (!metadata || typeof metadata !== "object") return "";
  return Object.entries(metadata as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" · ")
    .slice(0, 300);
}

/**
 * A trail page's body: the filters (a GET form, so the URL holds them and it works without
 * scripts), the entries as a table, and the same filters as a CSV download.
 */
export function AuditTrail({
  title,
  path,
  csvQuery,
  entries,
  values,
  errors,
  actors,
  limit,
}: {
  title: string;
  path: string;
  /** The CSV route's scope (`org=ID`, or empty for one's own). */
  csvQuery: string;
  entries: Entry[];
  values: { actor?: string; action?: string; from?: string; to?: string };
  errors?: Record<string, string[]>;
  actors?: { id: string; label: string }[];
  limit: number;
}) {
  const filters = new URLSearchParams(
    Object.entries(values).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  );
  const csv = `/api/audit?${[csvQuery, filters.toString()].filter(Boolean).join("&")}`;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <p className="text-sm text-muted-foreground">
          Entries are added in the same transaction as what they record and are never edited or deleted.
        </p>
      </CardHeader>
      <CardContent className="space-y-4">
        <form method="get" action={path} className="grid gap-3 sm:grid-cols-5 sm:items-end" aria-label="Filters">
          {actors ? (
            <label className="space-y-1 text-sm">
              <span className="font-medium">Person</span>
              <Select name="actor" defaultValue={values.actor ?? ""}>
                <option value="">Anyone</option>
                {actors.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.label}
                  </option>
                ))}
              </Select>
            </label>
          ) : null}
          <label className="space-y-1 text-sm">
            <span className="font-medium">Action</span>
            <Input name="action" defaultValue={values.action ?? ""} placeholder="member. or api_key.created" />
          </label>
          <label className="space-y-1 text-sm">
            <span className="font-medium">From (UTC)</span>
            <Input name="from" type="date" defaultValue={values.from ?? ""} />
          </label>
          <label className="space-y-1 text-sm">
            <span className="font-medium">To (UTC)</span>
            <Input name="to" type="date" defaultValue={values.to ?? ""} />
          </label>
          <div className="flex gap-2">
            <Button type="submit" variant="outline">
              Filter
            </Button>
            <Link href={path} className="touch-target self-center text-sm text-link">
              Clear
            </Link>
          </div>
        </form>
        {errors ? (
          <p role="alert" className="text-sm text-destructive">
            {Object.values(errors).flat().join(" ")}
          </p>
        ) : null}
        <p className="text-sm">
          <a href={csv} className="text-link" download>
            Download as CSV
          </a>
          {entries.length >= limit ? ` · showing the latest ${limit}; the CSV holds up to 10,000` : ""}
        </p>
        {entries.length === 0 ? (
          <p className="text-sm text-muted-foreground">No entries.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Audit trail">
              <thead className="text-xs text-muted-foreground">
                <tr>
                  <th className="py-1 pr-3 font-normal">Time (UTC)</th>
                  <th className="py-1 pr-3 font-normal">Action</th>
                  <th className="py-1 pr-3 font-normal">Person</th>
                  <th className="py-1 font-normal">Details</th>
                </tr>
              </thead>
              <tbody className="divide-y">
                {entries.map((e) => (
                  <tr key={e.id} data-testid="audit-entry">
                    <td className="whitespace-nowrap py-1 pr-3 text-muted-foreground">
                      {e.createdAt.toISOString().replace("T", " ").slice(0, 19)}
                    </td>
                    <td className="py-1 pr-3">
                      <code>{e.action}</code>
                    </td>
                    <td className="py-1 pr-3">{e.actorName ?? e.actorEmail ?? "—"}</td>
                    <td className="break-all py-1 text-xs text-muted-foreground">{details(e.metadata)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
