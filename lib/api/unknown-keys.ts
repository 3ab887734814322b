import { RATE_LIMIT_WINDOW_MS, windowStartOf } from "@/lib/metering/run-path";

/** Unknown, malformed or revoked keys one client address may present per minute. */
export const UNKNOWN_KEYS_PER_MINUTE = 60;
/** Addresses remembered at once; the oldest are forgotten first. */
const MAX_ADDRESSES = 10_000;

/**
 * Per-address count of requests with a key that did not authenticate, in this process's
 * memory: it stops key guessing (and the database look-ups it costs) without adding a
 * database round trip to the requests of valid keys, which never touch it.
 */
export class UnknownKeyThrottle {
  private readonly counts = new Map<string, { windowStart: number; count: number }>();

  constructor(
    private readonly limit = UNKNOWN_KEYS_PER_MINUTE,
    private readonly maxAddresses = MAX_ADDRESSES,
  ) {}

  /** Seconds until `address` may try again, or 0 when it may now. */
  retryAfter(address: string, now: Date): number {
    const entry = this.counts.get(address);
    const windowStart = windowStartOf(now).getTime();
    if (!entry || entry.windowStart !== windowStart || entry.count < this.limit) return 0;
    return Math.max(1, Math.ceil((windowStart + RATE_LIMIT_WINDOW_MS - now.getTime()) / 1000));
  }

  /** Counts a key from `address` that did not authenticate. */
  count(address: string, now: Date) {
    const windowStart = windowStartOf(now).getTime();
    const entry = this.counts.get(address);
    if (entry && entry.windowStart === windowStart) {
      entry.count++;
      return;
    }
    this.counts.delete(address);
    if (this.counts.size >= this.maxAddresses) this.counts.delete(this.counts.keys().next().value!);
    this.counts.set(address, { windowStart, count: 1 });
  }
}

export const unknownKeys = new UnknownKeyThrottle();
