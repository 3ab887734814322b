import "server-only";
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { AppError } from "@/lib/errors";
import { Semaphore } from "@/lib/semaphore";

// scrypt with N=2^15, r=8, p=1: OWASP's recommended minimum, ~32 MiB and tens of ms.
const PARAMS = { N: 1 << 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const MAX_MEM = 64 * 1024 * 1024;

/**
 * Hashes run on libuv's thread pool (4 threads), which file reads and DNS share: at most
 * two at once, and at most 64 waiting, so a flood of sign-ins cannot starve other work.
 */
const HASHING = new Semaphore(2);
const MAX_WAITING = 64;
const MAX_WAIT_MS = 10_000;

const busy = () =>
  new AppError("RATE_LIMITED", "Too many sign-ins at once. Try again in a few seconds.", { retryAfterSeconds: 5 });

async function derive(password: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  if (HASHING.waiting >= MAX_WAITING) throw busy();
  const release = await HASHING.acquire(AbortSignal.timeout(MAX_WAIT_MS)).catch(() => {
    throw busy();
  });
  try {
    return await new Promise((resolve, reject) => {
      scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, { ...params, maxmem: MAX_MEM }, (err, key) =>
        err ? reject(err) : resolve(key),
      );
    });
  } finally {
    release();
  }
}

/** `scrypt$N$r$p$salt$hash` with base64url parts; the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Constant-time comparison of a password against a stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, r, p, saltText, keyText] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyText, "base64url");
  if (expected.length !== KEY_LENGTH) return false;
  const key = await derive(password, Buffer.from(saltText, "base64url"), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(key, expected);
}

/** A hash of a random password, to spend the same time when the email is unknown. */
let dummyHash: Promise<string> | undefined;
export function getDummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  return dummyHash;
}
