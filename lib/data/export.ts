import "server-only";
import { strToU8, zipSync } from "fflate";
import type { Db } from "@/db/client";
import { createAuditEntry } from "@/db/queries/audit-log";
import {
  collectAccountData,
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

const README = (generatedAt: Date, cut: string[]) =>
  [
    "AI Nomads: the data held about your account",
    `Generated ${generatedAt.toISOString()}.`,
    "",
    "Each kind of record is here twice: as JSON (exact) and as CSV (for spreadsheets).",
    "profile, wallets, memberships, agents, agent_versions, knowledge_documents (with their",
    "text), executions (runs you made, with inputs and outputs), purchases and ratings by",
    "your wallets, audit_entries (your trail). Password hashes, API key hashes and webhook",
    "secrets are never exported. Runs that buyers made of your agents are theirs, not here.",
    cut.length ? `Cut to the newest ${EXPORT_ROWS_PER_KIND} rows: ${cut.join(", ")}.` : "Nothing was cut.",
    "",
  ].join("\n");

/** The zip of an account's data: README.txt, then <kind>.json and <kind>.csv for each kind. */
export async function buildAccountArchive(db: Db, userId: string, now = new Date()): Promise<Uint8Array> {
  const data = await collectAccountData(db, { userId });
  const files: Record<string, Uint8Array> = {};
  const cut: string[] = [];
  for (const [kind, rows] of Object.entries(data) as [string, Record<string, unknown>[]][]) {
    if (rows.length >= EXPORT_ROWS_PER_KIND) cut.push(kind);
    files[`${kind}.json`] = strToU8(JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v), 2));
    files[`${kind}.csv`] = strToU8(kindCsv(rows));
  }
  files["README.txt"] = strToU8(README(now, cut));
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
    const archive = await buildAccountArchive(db, taken.userId, now);
    await db.transaction(async (tx) => {
      await finishDataExport(tx, { exportId, archive, error: null, now });
      await createAuditEntry(tx, {
        actorUserId: taken.userId,
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
