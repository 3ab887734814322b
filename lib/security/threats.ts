import { isIPv6 } from "node:net";
import type { Db } from "@/db/client";
import { createAuditEntry } from "@/db/queries/audit-log";
import { blockRequestSource, listRequestBlocks, requestBlockSourcesIn } from "@/db/queries/operator";
import { env } from "@/lib/env";
import { describeError } from "@/lib/log";

/**
 * What threat detection counts per source (a client address `ip:…` or an API key `key:…`)
 * and minute: refused requests (401, 403, 404, 422, 429), failed sign-ins, and scanner
 * probes (requests for paths such as /.env or /wp-login.php that this product never serves).
 */
export type ThreatKind = "refused" | "sign_in_failed" | "probe";

export type ThreatThresholds = Record<ThreatKind, number> & { blockSeconds: number };

export const REFUSED_STATUSES = new Set([401, 403, 404, 422, 429]);

const WINDOW_MS = 60_000;
/** How long a block this process began is kept while its row is not in the database (its write in flight, or failed). */
const BEGUN_KEPT_MS = 30_000;
/** Sources counted at once; the least recently counted are forgotten first. */
const MAX_SOURCES = 20_000;

/** Paths only scanners ask for: dotfiles, other stacks' admin pages, path traversal. */
const PROBE =
  /(^|\/)\.(env|git|svn|hg|aws|ssh|docker|DS_Store|htaccess|htpasswd)(\/|$|\.)|\.(php|asp|aspx|jsp|cgi)(\/|$)|^\/(wp-admin|wp-login|wp-content|wp-includes|phpmyadmin|pma|cgi-bin|actuator|server-status|xmlrpc|owa|boaform|HNAP1|manager\/html)(\/|$|\.)|\.\.\/|%2e%2e/i;

export function isProbePath(path: string): boolean {
  return PROBE.test(path.split("?")[0]!);
}

export function thresholdsFromEnv(): ThreatThresholds {
  return {
    refused: env.THREAT_REFUSED_PER_MINUTE,
    sign_in_failed: env.THREAT_FAILED_SIGN_INS_PER_MINUTE,
    probe: env.THREAT_PROBES_PER_MINUTE,
    blockSeconds: env.THREAT_BLOCK_SECONDS,
  };
}

const REASONS: Record<ThreatKind, string> = {
  refused: "a burst of refused requests",
  sign_in_failed: "repeated failed sign-ins",
  probe: "scanning for paths this product does not serve",
};

type Counts = { windowStart: number } & Record<ThreatKind, number>;

/**
 * Per-process counting, shared blocks: each instance counts what it answers (in memory, no
 * database round trip on the way of a request) and, past a threshold, blocks the source in
 * `request_blocks` with an audit entry (`threat.blocked`), in one transaction. Every
 * instance reloads the blocks in force every few seconds (`sync`), so a block begun on one
 * is kept by all. A blocked source is answered 429 with Retry-After until the block ends.
 */
export class ThreatDetector {
  private readonly counts = new Map<string, Counts>();
  private blocks = new Map<string, number>();
  /** Blocks this process began whose row it has not seen yet (source → when): a sync keeps them. */
  private begun = new Map<string, number>();
  private db: Db | undefined;
  /** Blocks being written, so a test (or a shutdown) can wait for them. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly thresholds: ThreatThresholds,
    private readonly allow: ReadonlySet<string> = new Set(),
  ) {}

  /** Where blocks are written and read from; until attached, blocks stay in this process. */
  attach(db: Db) {
    this.db = db;
  }

  /** Seconds until `source` may be answered again, or 0 when it is not blocked. */
  retryAfter(source: string, now = Date.now()): number {
    const until = this.blocks.get(source);
    if (until === undefined) return 0;
    if (until <= now) {
      this.blocks.delete(source);
      return 0;
    }
    return Math.max(1, Math.ceil((until - now) / 1000));
  }

  /** Counts one event of `kind` from `source`; past its threshold, the source is blocked. */
  record(source: string, kind: ThreatKind, now = Date.now()): void {
    // Without an address (no client-address hook: `next dev`) there is nothing to block.
    if (source === "ip:unknown" || this.allow.has(source) || this.retryAfter(source, now)) return;
    const windowStart = now - (now % WINDOW_MS);
    let entry = this.counts.get(source);
    if (!entry || entry.windowStart !== windowStart) {
      entry = { windowStart, refused: 0, sign_in_failed: 0, probe: 0 };
    }
    this.counts.delete(source);
    if (this.counts.size >= MAX_SOURCES) this.counts.delete(this.counts.keys().next().value!);
    this.counts.set(source, entry);
    entry[kind]++;
    if (entry[kind] < this.thresholds[kind]) return;
    const until = now + this.thresholds.blockSeconds * 1000;
    this.blocks.set(source, until);
    this.begun.set(source, now);
    this.counts.delete(source);
    this.persist(source, kind, entry[kind], now, until);
  }

  private persist(source: string, kind: ThreatKind, count: number, now: number, until: number) {
    const db = this.db;
    if (!db) return;
    const evidence = { kind, count, windowSeconds: WINDOW_MS / 1000 };
    this.writes = this.writes
      .then(() =>
        db.transaction(async (tx) => {
          const began = await blockRequestSource(tx, {
            source,
            reason: REASONS[kind],
            evidence,
            until: new Date(until),
            now: new Date(now),
          });
          if (began)
            await createAuditEntry(tx, {
              actorUserId: null,
              action: "threat.blocked",
              targetType: "request_source",
              targetId: source,
              metadata: { ...evidence, reason: REASONS[kind], until: new Date(until).toISOString() },
            });
        }),
      )
      .catch((error: unknown) =>
        console.error(`[threats] could not record the block of ${source}: ${describeError(error)}`),
      );
  }

  /**
   * Replaces this process's view of the blocks with those in force in the database, keeping
   * those it began whose row is not written yet (a row that exists, lifted or not, decides).
   */
  async sync(now = new Date()): Promise<void> {
    if (!this.db) return;
    const rows = await listRequestBlocks(this.db, { now, limit: 10_000 });
    const blocks = new Map<string, number>();
    for (const row of rows) blocks.set(row.source, row.blockedUntil.getTime());
    const pending = [...this.begun.keys()].filter((source) => !blocks.has(source));
    const written = await requestBlockSourcesIn(this.db, { sources: pending });
    for (const source of this.begun.keys()) {
      const until = this.blocks.get(source);
      const at = this.begun.get(source)!;
      if (blocks.has(source) || written.has(source) || until === undefined || at < now.getTime() - BEGUN_KEPT_MS)
        this.begun.delete(source);
      else blocks.set(source, until);
    }
    this.blocks = blocks;
  }

  /** Forgets a block in this process (an operator lifted it; other instances follow at their next sync). */
  forget(source: string) {
    this.blocks.delete(source);
    this.begun.delete(source);
  }

  /** Resolves once the blocks begun so far are written. */
  settled(): Promise<unknown> {
    return this.writes;
  }
}

/** This process's detector (on globalThis: Next bundles modules more than once). */
export function threats(): ThreatDetector {
  const slot = globalThis as { __aiNomadsThreats?: ThreatDetector };
  slot.__aiNomadsThreats ??= new ThreatDetector(
    thresholdsFromEnv(),
    new Set(
      env.THREAT_ALLOW.split(",")
        .map((a) => a.trim())
        .filter(Boolean)
        .map(addressSource),
    ),
  );
  return slot.__aiNomadsThreats;
}

/**
 * The source a client address counts as: IPv4 as it is; IPv6 by its /64 (one customer's
 * network, whose addresses it may rotate at will), so rotating within it escapes nothing.
 */
export function addressSource(address: string): string {
  const bare = address.replace(/%.*$/, "");
  if (!isIPv6(bare)) return `ip:${address}`;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return `ip:${mapped[1]}`;
  const [head = "", tail] = bare.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // An embedded IPv4 tail is past the /64: it never matters here.
  const groups =
    tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `ip:${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}
export const keySource = (keyId: string) => `key:${keyId}`;
