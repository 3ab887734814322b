/**
 * When a failed delivery is tried again: after each failed attempt, the next waits the
 * schedule's step (5 s, 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 20 h: about three
 * days in all), each varied by up to ±20 % so endpoints that failed together are not all
 * retried at the same instant, and never sooner than the endpoint's `Retry-After`. After the
 * last step the delivery is given up.
 */
export const RETRY_STEPS_SECONDS = [5, 60, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 72_000];

/** Attempts a delivery gets at most: the first, then one per step. */
export const MAX_ATTEMPTS = RETRY_STEPS_SECONDS.length + 1;

/** A `Retry-After` longer than this is taken as this (a day): the schedule still ends. */
const MAX_RETRY_AFTER_SECONDS = 86_400;

/**
 * The `Retry-After` header in seconds from `now`: delta-seconds or an HTTP date; undefined
 * when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d{1,10}$/.test(text)) return Math.min(Number(text), MAX_RETRY_AFTER_SECONDS);
  // An HTTP date (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT"); other text is not a date here.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - now.getTime()) / 1000)), MAX_RETRY_AFTER_SECONDS);
}

/**
 * When to try again after `attempts` failed attempts (1 after the first), or undefined to
 * give up. `random` is in [0, 1) (jitter).
 */
export function nextAttemptAt(params: {
  attempts: number;
  now: Date;
  retryAfterSeconds?: number;
  random?: number;
}): Date | undefined {
  const step = RETRY_STEPS_SECONDS[params.attempts - 1];
  if (step === undefined) return undefined;
  const jitter = 1 + ((params.random ?? Math.random()) * 2 - 1) * 0.2;
  const seconds = Math.max(step * jitter, params.retryAfterSeconds ?? 0);
  return new Date(params.now.getTime() + Math.round(seconds * 1000));
}
