import "server-only";
import type { Db } from "@/db/client";
import { clearThrottle, countThrottleEvent, throttledUntil } from "@/db/queries/auth-throttles";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const MINUTE = 60_000;

/**
 * Every throttle of the identity edge, in one place. "backoff" throttles count failures
 * and, past the allowance, block for 1, 2, 4 … seconds (at most `maxBlockMs`); a quiet
 * `windowMs` resets them. "window" throttles count attempts and block until the window ends.
 */
export const THROTTLES = {
  /** Wrong passwords for one account, from anywhere. */
  passwordAccount: { allowed: 5, windowMs: 15 * MINUTE, mode: "backoff", maxBlockMs: 15 * MINUTE },
  /** Wrong passwords from one client address, for any account. */
  passwordAddress: { allowed: 30, windowMs: 15 * MINUTE, mode: "backoff", maxBlockMs: 15 * MINUTE },
  /** Accounts created from one client address. */
  signUpAddress: {
    allowed: env.SIGN_UPS_PER_ADDRESS_PER_HOUR,
    windowMs: 60 * MINUTE,
    mode: "window",
    maxBlockMs: 60 * MINUTE,
  },
  /** Password-reset mails asked for from one client address, and for one account. */
  passwordResetAddress: { allowed: 10, windowMs: 60 * MINUTE, mode: "window", maxBlockMs: 60 * MINUTE },
  passwordResetAccount: { allowed: 3, windowMs: 60 * MINUTE, mode: "window", maxBlockMs: 60 * MINUTE },
  /** Verification mails sent for one account. */
  verificationMailAccount: { allowed: 5, windowMs: 60 * MINUTE, mode: "window", maxBlockMs: 60 * MINUTE },
  /** Sign-In with Ethereum nonces issued to one client address. */
  siweNonceAddress: { allowed: 30, windowMs: MINUTE, mode: "window", maxBlockMs: MINUTE },
} as const;

export type ThrottleName = keyof typeof THROTTLES;
export type ThrottleKey = { throttle: ThrottleName; subject: string };

const keyOf = ({ throttle, subject }: ThrottleKey) => `${throttle}:${subject}`;

/** The error for a throttled request: 429 with the seconds to wait. */
export function throttledError(until: Date, now: Date): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new AppError("RATE_LIMITED", `Too many attempts. Try again in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });
}

/** Throws RATE_LIMITED (with Retry-After) while any of `keys` is blocked. */
export async function assertNotThrottled(db: Db, keys: ThrottleKey[], now = new Date()) {
  const until = await throttledUntil(db, { keys: keys.map(keyOf), now });
  if (until) throw throttledError(until, now);
}

/** Counts a failure (or an attempt) against each key. */
export async function countAgainst(db: Db, keys: ThrottleKey[], now = new Date()) {
  for (const key of keys) await countThrottleEvent(db, { key: keyOf(key), now, ...THROTTLES[key.throttle] });
}

/**
 * Counts an attempt against a "window" throttle and throws RATE_LIMITED once it is over
 * its allowance (the attempt that crossed it included).
 */
export async function takeAttempt(db: Db, key: ThrottleKey, now = new Date()) {
  const { blockedUntil } = await countThrottleEvent(db, { key: keyOf(key), now, ...THROTTLES[key.throttle] });
  if (blockedUntil && blockedUntil > now) throw throttledError(blockedUntil, now);
}

/** Forgets a key's failures (an account that signed in). */
export async function clearFailures(db: Db, key: ThrottleKey) {
  await clearThrottle(db, { key: keyOf(key) });
}
