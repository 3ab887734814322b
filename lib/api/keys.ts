import { createHash, randomBytes } from "node:crypto";

/** Keys look like `anm_live_` + 32 URL-safe characters (192 random bits). */
const KEY_PATTERN = /^anm_live_[A-Za-z0-9_-]{32}$/;
const PREFIX_LENGTH = "anm_live_".length + 6;

/**
 * A new API key. The secret is returned to the creator once; only its SHA-256 (enough for
 * a 192-bit random secret: no dictionary to attack) and a short visible prefix are stored.
 */
export function generateApiKey(): { secret: string; prefix: string; hash: string } {
  const secret = `anm_live_${randomBytes(24).toString("base64url")}`;
  return { secret, prefix: secret.slice(0, PREFIX_LENGTH), hash: hashApiKey(secret) };
}

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export type BearerResult = { kind: "missing" } | { kind: "malformed" } | { kind: "key"; secret: string };

/** The API key from an `Authorization: Bearer …` header, checked for shape only. */
export function readBearerKey(header: string | null): BearerResult {
  if (!header) return { kind: "missing" };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return { kind: "malformed" };
  return KEY_PATTERN.test(match[1]!) ? { kind: "key", secret: match[1]! } : { kind: "malformed" };
}
