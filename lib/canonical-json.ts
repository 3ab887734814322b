import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every level, so equal values always serialise to the
 * same bytes (for hashes that others must be able to recompute).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, 0));
}

/**
 * Far deeper than any value that passed the entry checks (lib/json-limits.ts); a guard so
 * that a forgotten check fails with an error instead of overflowing the stack.
 */
const MAX_DEPTH = 1_000;

function sortKeys(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new RangeError(`canonicalJson: the value nests deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, depth + 1));
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v, depth + 1)]));
  }
  return value;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
