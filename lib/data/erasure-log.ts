import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { isUuid } from "@/lib/platform/uuid";

/** An erasure as the log keeps it: the account's id and when (nothing personal). */
export type LoggedErasure = { userId: string; erasedAt: string };

/** Appends an erasure to the log (after its transaction committed); creates the file and its folder. */
export function appendErasure(file: string, erasure: LoggedErasure): void {
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(erasure)}\n`, { encoding: "utf8", flag: "a" });
}

/** The erasures in the log, in order; lines that are not an erasure are skipped (and counted). */
export function readErasureLog(file: string): { erasures: LoggedErasure[]; skipped: number } {
  if (!existsSync(file)) return { erasures: [], skipped: 0 };
  const erasures: LoggedErasure[] = [];
  let skipped = 0;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as Partial<LoggedErasure>;
      if (typeof parsed.userId === "string" && isUuid(parsed.userId) && typeof parsed.erasedAt === "string")
        erasures.push({ userId: parsed.userId, erasedAt: parsed.erasedAt });
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { erasures, skipped };
}
