import { createHmac, randomBytes } from "node:crypto";

/**
 * Signing webhook deliveries per the Standard Webhooks specification: secrets are
 * `whsec_` + base64 of 32 random bytes; each delivery carries `webhook-id` (stable across
 * retries, for deduplication), `webhook-timestamp` (Unix seconds) and `webhook-signature`:
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per active secret, space-separated,
 * so a receiver keeps verifying while a secret is rotated.
 */
const PREFIX = "whsec_";

export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

function keyOf(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new Error("A webhook secret starts with whsec_.");
  const key = Buffer.from(secret.slice(PREFIX.length), "base64");
  if (key.length < 24) throw new Error("A webhook secret holds at least 24 bytes.");
  return key;
}

export type SignedHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

/** The headers of one delivery of `body` (the exact bytes sent), signed with every secret given. */
export function signWebhook(params: { id: string; timestamp: Date; body: string; secrets: string[] }): SignedHeaders {
  if (!params.secrets.length) throw new Error("A webhook is signed with at least one secret.");
  const seconds = String(Math.floor(params.timestamp.getTime() / 1000));
  const content = `${params.id}.${seconds}.${params.body}`;
  const signatures = params.secrets.map(
    (secret) => `v1,${createHmac("sha256", keyOf(secret)).update(content).digest("base64")}`,
  );
  return { "webhook-id": params.id, "webhook-timestamp": seconds, "webhook-signature": signatures.join(" ") };
}
