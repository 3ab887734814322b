import "server-only";
import { randomBytes } from "node:crypto";
import { sha256Hex } from "@/lib/canonical-json";

/** A random URL-safe secret (256 bits) and the hash under which it is stored. */
export function createSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return sha256Hex(token);
}
