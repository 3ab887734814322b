import { createAuditEntry } from "@/db/queries/audit-log";
import { getDataExportOwner, takeDataExportArchive } from "@/db/queries/data-exports";
import { requireOrgPermission } from "@/lib/auth/org-role";
import { AppError } from "@/lib/errors";
import { withSession } from "@/lib/http/with-session";
import { isUuid } from "@/lib/platform/uuid";

export const dynamic = "force-dynamic";

/**
 * Downloads a ready export, once, by whoever asked for it (a same-origin POST from the
 * settings or organisation page: a download that consumes the archive is not a GET another
 * site could trigger); an organisation's only while they may still export it. The archive
 * is removed in the same transaction that records the download on the trail.
 */
export const POST = withSession<{ exportId: string }>(async ({ db, user, params }) => {
  if (!isUuid(params.exportId)) throw new AppError("NOT_FOUND", "No such export.");
  const archive = await db.transaction(async (tx) => {
    const owner = await getDataExportOwner(tx, { exportId: params.exportId, userId: user.id });
    if (owner?.orgId)
      await requireOrgPermission(tx, { orgId: owner.orgId, userId: user.id, permission: "data.export" });
    const taken = await takeDataExportArchive(tx, { exportId: params.exportId, userId: user.id, now: new Date() });
    if (!taken) return undefined;
    await createAuditEntry(tx, {
      actorUserId: user.id,
      orgId: owner?.orgId ?? null,
      action: "data.exported",
      targetType: "data_export",
      targetId: params.exportId,
      metadata: { sizeBytes: taken.length },
    });
    return taken;
  });
  if (!archive) throw new AppError("NOT_FOUND", "This export is not ready, not yours, or was already downloaded.");
  return new Response(new Uint8Array(archive), {
    headers: {
      "content-type": "application/zip",
      "content-disposition": `attachment; filename="ai-nomads-export-${new Date().toISOString().slice(0, 10)}.zip"`,
      "content-length": String(archive.length),
      "cache-control": "no-store",
    },
  });
});
