import "server-only";
import { strToU8, zipSync } from "fflate";
import type { Db } from "@/db/client";
import { createAuditEntry } from "@/db/queries/audit-log";
import {
  collectAccountData,
  collectOrganizationData,
  EXPORT_ROWS_PER_KIND,
  finishDataExport,
  takeQueuedExport,
} from "@/db/queries/data-exports";
import { toCsv } from "@/lib/csv";
import { describeError } from "@/lib/log";

/** A CSV cell: text as it is, anything structured as JSON. */
function cell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** Rows of one kind as CSV, the columns those of its first row. */
function kindCsv(rows: Record<string, unknown>[]): string {
  const header = rows.length ? Object.keys(rows[0]!) : [];
  return toCsv(
    header,
    rows.map((row) => header.map((h) => cell(row[h]))),
  );
}

const CONTENTS = {
  account: [
    "AI Nomads: the data held about your account",
    "profile, wallets, memberships, agents, agent_versions, knowledge_documents (with their",
    "text), executions (runs you made, with inputs and outputs), purchases and ratings by",
    "your wallets, abuse_reports you filed, audit_entries (your trail). Password hashes, API",
    "key hashes and webhook secrets are never exported. Runs that buyers made of your agents",
    "are theirs, not here.",
  ],
  organisation: [
    "AI Nomads: the data held about your organisation",
    "organisation, members (name, email, role), invitations, api_keys (never their hashes),",
    "credits, purchases, executions (the organisation's API runs, with inputs and outputs),",
    "webhook_endpoints (never their secrets), audit_entries (the organisation's trail).",
  ],
};

const README = (scope: keyof typeof CONTENTS, generatedAt: Date, cut: string[]) =>
  [
    CONTENTS[scope][0],
    `Generated ${generatedAt.toISOString()}.`,
    "",
    "Each kind of record is here twice: as JSON (exact) and as CSV (for spreadsheets).",
    ...CONTENTS[scope].slice(1),
    cut.length ? `Cut to the newest ${EXPORT_ROWS_PER_KIND} rows: ${cut.join(", ")}.` : "Nothing was cut.",
    "",
  ].join("\n");

/**
 * The zip of an account's data (or, with `orgId`, an organisation's): README.txt, then
 * <kind>.json and <kind>.csv for each kind.
 */
export async function buildAccountArchive(
  db: Db,
  userId: string,
  now = new Date(),
  orgId: string | null = null,
): Promise<Uint8Array> {
  const data = orgId ? await collectOrganizationData(db, { orgId }) : await collectAccountData(db, { userId });
  const files: Record<string, Uint8Array> = {};
  const cut: string[] = [];
  for (const [kind, rows] of Object.entries(data) as [string, Record<string, unknown>[]][]) {
    if (rows.length >= EXPORT_ROWS_PER_KIND) cut.push(kind);
    files[`${kind}.json`] = strToU8(JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v), 2));
    files[`${kind}.csv`] = strToU8(kindCsv(rows));
  }
  files["README.txt"] = strToU8(README(orgId ? "organisation" : "account", now, cut));
  return zipSync(files, { level: 6, mtime: now });
}

/**
 * Builds one requested export (a queue job): takes it (only one builder does), builds the
 * archive and stores it for one download; a failure is recorded, not retried forever.
 * Returns whether it built one.
 */
export async function processDataExport(db: Db, exportId: string, now = new Date()): Promise<boolean> {
  const taken = await takeQueuedExport(db, { exportId });
  if (!taken) return false;
  try {
    const archive = await buildAccountArchive(db, taken.userId, now, taken.orgId);
    await db.transaction(async (tx) => {
      await finishDataExport(tx, { exportId, archive, error: null, now });
      await createAuditEntry(tx, {
        actorUserId: taken.userId,
        orgId: taken.orgId,
        action: "data.export_ready",
        targetType: "data_export",
        targetId: exportId,
        metadata: { sizeBytes: archive.length },
      });
    });
    return true;
  } catch (error) {
    console.error(`[exports] export ${exportId} failed: ${describeError(error)}`);
    await finishDataExport(db, { exportId, archive: null, error: "The export could not be built.", now });
    return false;
  }
}
