"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { requestDataExportAction, requestOrgExportAction } from "@/lib/actions/data/request-export";

type ExportRow = {
  id: string;
  status: "queued" | "building" | "ready" | "downloaded" | "failed";
  sizeBytes: number | null;
  requestedAt: Date;
  error: string | null;
};

const STATUS: Record<ExportRow["status"], string> = {
  queued: "being prepared",
  building: "being prepared",
  ready: "ready to download (once)",
  downloaded: "downloaded",
  failed: "failed",
};

/**
 * Ask for an export of one's data (or, with `orgId`, of an organisation one owns), and
 * download a ready one (once; it is then deleted).
 */
export function DataExport({ exports, orgId }: { exports: ExportRow[]; orgId?: string }) {
  const router = useRouter();
  const request = useAction(
    (_: Record<string, never>) => (orgId ? requestOrgExportAction({ orgId }) : requestDataExportAction({})),
    { onSuccess: () => router.refresh() },
  );
  const preparing = exports.some((e) => e.status === "queued" || e.status === "building");
  // While one is being prepared, look again every few seconds.
  useEffect(() => {
    if (!preparing) return;
    const timer = setInterval(() => router.refresh(), 3000);
    return () => clearInterval(timer);
  }, [preparing, router]);
  return (
    <div className="space-y-3 text-sm">
      <Button type="button" variant="outline" disabled={request.pending} onClick={() => request.run({})}>
        {request.pending ? "Asking…" : orgId ? "Export organisation data" : "Export my data"}
      </Button>
      {request.error ? (
        <p role="alert" className="text-destructive">
          {request.error.message}
        </p>
      ) : null}
      {exports.length ? (
        <ul className="divide-y rounded-md border" aria-label="Data exports">
          {exports.map((e) => (
            <li key={e.id} className="flex flex-wrap items-center gap-3 p-3">
              <span className="text-muted-foreground">
                {e.requestedAt.toISOString().replace("T", " ").slice(0, 16)} UTC
              </span>
              <span data-testid="export-status">{STATUS[e.status]}</span>
              {e.status === "ready" ? (
                <form method="post" action={`/api/exports/${e.id}`} className="ml-auto">
                  <Button type="submit" size="sm" onClick={() => setTimeout(() => router.refresh(), 1500)}>
                    Download ({Math.max(1, Math.round((e.sizeBytes ?? 0) / 1024))} KB)
                  </Button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
