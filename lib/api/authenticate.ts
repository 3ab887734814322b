import type { Db } from "@/db/client";
import type { AuthenticatedKey } from "@/db/queries/api-keys";
import { RATE_LIMIT_WINDOW_MS, runPath, windowStartOf } from "@/lib/metering/run-path";
import { clientAddress } from "@/lib/http/client-address";
import { hashApiKey, readBearerKey } from "./keys";
import { problemResponse } from "./problem";
import { unknownKeys } from "./unknown-keys";

export type ApiKey = AuthenticatedKey;
export type Authenticated = { ok: true; key: ApiKey; headers: Headers } | { ok: false; response: Response };

const challenge = { "WWW-Authenticate": 'Bearer realm="AI Nomads API"' };

/**
 * Checks the Bearer key (shape, hash lookup, not revoked) and counts the request against
 * the key's per-minute limit in the database, shared by every app instance. Returns the
 * RateLimit-* headers every response of this request carries. Wrong, unknown and revoked
 * keys get the same 401, so the answer says nothing about which keys exist.
 */
export async function authenticate(db: Db, request: Request): Promise<Authenticated> {
  const bearer = readBearerKey(request.headers.get("authorization"));
  if (bearer.kind === "missing") {
    return {
      ok: false,
      response: problemResponse("invalid-api-key", "Send your API key as `Authorization: Bearer <key>`.", {
        headers: challenge,
      }),
    };
  }
  const address = clientAddress(request.headers);
  const retryAfter = unknownKeys.retryAfter(address, new Date());
  if (retryAfter) {
    return {
      ok: false,
      response: problemResponse(
        "rate-limited",
        `Too many invalid API keys from this address. Retry after ${retryAfter} s.`,
        {
          headers: { ...challenge, "Retry-After": String(retryAfter) },
        },
      ),
    };
  }
  let admitted: Authenticated;
  if (bearer.kind !== "key") admitted = admit(undefined, new Date());
  else {
    const looked = await runPath(db).submit({ kind: "auth", keyHash: hashApiKey(bearer.secret) });
    if (looked.kind !== "auth") throw new Error("run path: an auth item got another kind of result");
    admitted = admit(looked.key, looked.now);
  }
  if (!admitted.ok && admitted.response.status === 401) unknownKeys.count(address, new Date());
  return admitted;
}

/**
 * The answer for a key looked up (and its request counted) at `now`: 401 for an unknown
 * or revoked key, 429 past the per-minute limit, else the key and the RateLimit-* headers.
 */
export function admit(key: ApiKey | undefined, now: Date): Authenticated {
  if (key?.creatorSuspended && !key.revoked) {
    return {
      ok: false,
      response: problemResponse(
        "account-suspended",
        "The account that created this API key is suspended by the platform's operators; an organisation owner can create a new key.",
      ),
    };
  }
  if (!key || key.revoked || key.requestCount === null) {
    return {
      ok: false,
      response: problemResponse("invalid-api-key", "The API key is malformed, unknown or revoked.", {
        headers: challenge,
      }),
    };
  }
  const count = key.requestCount;
  const windowStart = windowStartOf(now);
  const resetSeconds = Math.max(1, Math.ceil((windowStart.getTime() + RATE_LIMIT_WINDOW_MS - now.getTime()) / 1000));
  const headers = new Headers({
    "RateLimit-Limit": String(key.rateLimitPerMinute),
    "RateLimit-Remaining": String(Math.max(0, key.rateLimitPerMinute - count)),
    "RateLimit-Reset": String(resetSeconds),
    "RateLimit-Policy": `${key.rateLimitPerMinute};w=60`,
  });
  if (count > key.rateLimitPerMinute) {
    headers.set("Retry-After", String(resetSeconds));
    return {
      ok: false,
      response: problemResponse(
        "rate-limited",
        `This key allows ${key.rateLimitPerMinute} requests per minute. Retry after ${resetSeconds} s.`,
        { headers },
      ),
    };
  }
  return { ok: true, key, headers };
}
