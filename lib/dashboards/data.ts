import "server-only";
import type { Db } from "@/db/client";
import { getAgentForOwner, listAgentVersionsForOwner } from "@/db/queries/agents";
import {
  errorCounts,
  latencySeries,
  ratingSummary,
  revenueSeries,
  runsByAgent,
  runsByApiKey,
  runsByOrganization,
  runSeries,
  type DashboardRange,
  type DashboardScope,
  type LatencyBucket,
  type RunBucket,
} from "@/db/queries/dashboards";
import { listOrgCreditBalances } from "@/db/queries/api-runs";
import { AppError } from "@/lib/errors";
import { KeyedSemaphore } from "@/lib/semaphore";
import { z } from "zod";
import { bucketStarts, resolveRange, type ResolvedRange } from "./range";

/**
 * What the creator dashboard and the buyer console show, built from the rollups for one
 * scope and range: series filled for every bucket (zeros where nothing ran), totals for
 * the range and the period before it, and the breakdowns. JSON as sent to the browser.
 */

export type SeriesPoint = {
  bucket: string;
  runs: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  creditsUsed: number;
  previousRuns: number;
};
export type LatencyPoint = { bucket: string; runs: number; p50: number | null; p95: number | null; p99: number | null };
export type Totals = {
  runs: number;
  succeeded: number;
  failures: number;
  creditsUsed: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
};

export type RangeInfo = { from: string; to: string; bucket: string; timeZone: string; preset: string };

function rangeInfo(range: ResolvedRange): RangeInfo {
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    bucket: range.bucket,
    timeZone: range.timeZone,
    preset: range.preset,
  };
}

/** Every bucket of the range with its runs, and the previous period's runs at the same position. */
function fillRuns(range: ResolvedRange, current: RunBucket[], previous: RunBucket[]): SeriesPoint[] {
  const byStart = new Map(current.map((b) => [b.bucket.getTime(), b]));
  const previousStarts = bucketStarts(range.previous);
  const previousByStart = new Map(previous.map((b) => [b.bucket.getTime(), b.runs]));
  return bucketStarts(range).map((start, i) => {
    const b = byStart.get(start);
    const before = previousStarts[i];
    return {
      bucket: new Date(start).toISOString(),
      runs: b?.runs ?? 0,
      succeeded: b?.succeeded ?? 0,
      failed: b?.failed ?? 0,
      timedOut: b?.timedOut ?? 0,
      creditsUsed: b?.creditsUsed ?? 0,
      previousRuns: before === undefined ? 0 : (previousByStart.get(before) ?? 0),
    };
  });
}

function fillLatency(range: DashboardRange, rows: LatencyBucket[]): LatencyPoint[] {
  const byStart = new Map(rows.map((b) => [b.bucket!.getTime(), b]));
  return bucketStarts(range).map((start) => {
    const b = byStart.get(start);
    return {
      bucket: new Date(start).toISOString(),
      runs: b?.runs ?? 0,
      p50: b?.p50 ?? null,
      p95: b?.p95 ?? null,
      p99: b?.p99 ?? null,
    };
  });
}

/** A range's totals: its buckets summed, and its percentiles over the whole range. */
function totals(series: RunBucket[], whole: LatencyBucket | undefined): Totals {
  const sum = (pick: (b: RunBucket) => number) => series.reduce((n, b) => n + pick(b), 0);
  return {
    runs: sum((b) => b.runs),
    succeeded: sum((b) => b.succeeded),
    failures: sum((b) => b.failed + b.timedOut),
    creditsUsed: sum((b) => b.creditsUsed),
    p50: whole?.p50 ?? null,
    p95: whole?.p95 ?? null,
    p99: whole?.p99 ?? null,
  };
}

/** The common part of both dashboards: runs, latency, errors and totals with the previous period. */
async function usage(db: Db, scope: DashboardScope, range: ResolvedRange) {
  const [current, previous, latencyAndWhole, errors, [wholeBefore]] = await Promise.all([
    runSeries(db, scope, range),
    runSeries(db, scope, range.previous),
    // The buckets and the whole range's percentiles from one scan of the latency rollup.
    latencySeries(db, scope, range, { andWhole: true }),
    errorCounts(db, scope, range),
    latencySeries(db, scope, range.previous, { whole: true }),
  ]);
  const latency = latencyAndWhole.filter((b) => b.bucket !== null);
  const whole = latencyAndWhole.find((b) => b.bucket === null);
  return {
    range: rangeInfo(range),
    runs: fillRuns(range, current, previous),
    latency: fillLatency(range, latency),
    errors,
    totals: { current: totals(current, whole), previous: totals(previous, wholeBefore) },
  };
}

/**
 * A creator's dashboard: all their agents, or one (by slug) and optionally one version (by
 * number). Another creator's agent is NOT_FOUND, as if it did not exist.
 */
export async function creatorDashboard(
  db: Db,
  params: { ownerId: string; agentSlug?: string; version?: number },
  range: ResolvedRange,
) {
  let scope: Extract<DashboardScope, { kind: "creator" }> = { kind: "creator", ownerId: params.ownerId };
  let agent: { id: string; slug: string; name: string; versions: { id: string; version: number }[] } | null = null;
  if (params.agentSlug) {
    const found = await getAgentForOwner(db, { slug: params.agentSlug, ownerId: params.ownerId });
    if (!found) throw new AppError("NOT_FOUND", "Agent not found.");
    const versions = await listAgentVersionsForOwner(db, { agentId: found.id, ownerId: params.ownerId });
    agent = {
      id: found.id,
      slug: found.slug,
      name: found.name,
      versions: versions.map((v) => ({ id: v.id, version: v.version })),
    };
    scope = { ...scope, agentId: found.id };
    if (params.version !== undefined) {
      const version = versions.find((v) => v.version === params.version);
      if (!version) throw new AppError("NOT_FOUND", "Version not found.");
      scope = { ...scope, versionId: version.id };
    }
  }
  const [common, organizations, agents, revenue, ratings] = await Promise.all([
    usage(db, scope, range),
    runsByOrganization(db, scope, range),
    runsByAgent(db, scope, range),
    revenueSeries(db, scope, range),
    ratingSummary(db, scope, range),
  ]);
  return {
    ...common,
    agent,
    organizations,
    agents: agents.map(({ durationMsSum: _, ...a }) => a),
    revenue: revenue.map((r) => ({ ...r, bucket: r.bucket.toISOString() })),
    ratings: {
      series: ratings.series.map((r) => ({ ...r, bucket: r.bucket.toISOString() })),
      distribution: ratings.distribution,
    },
  };
}
export type CreatorDashboard = Awaited<ReturnType<typeof creatorDashboard>>;

const FORECAST_DAYS = 7;

/**
 * An organisation's usage (the caller checked membership): per agent and key, and each
 * agent's credits left with a forecast at the last 7 days' rate.
 */
export async function buyerDashboard(
  db: Db,
  params: { orgId: string; agentId?: string; apiKeyId?: string },
  range: ResolvedRange,
  now = Date.now(),
) {
  const scope: Extract<DashboardScope, { kind: "buyer" }> = { kind: "buyer", ...params };
  const hour = 3_600_000;
  const lastWeek: DashboardRange = {
    from: new Date(Math.floor(now / hour) * hour + hour - FORECAST_DAYS * 24 * hour),
    to: new Date(Math.floor(now / hour) * hour + hour),
    bucket: "day",
    timeZone: "UTC",
  };
  const [common, agents, keys, balances, recent] = await Promise.all([
    usage(db, scope, range),
    runsByAgent(db, scope, range),
    runsByApiKey(db, scope, range),
    listOrgCreditBalances(db, { orgId: params.orgId }),
    runsByAgent(db, { kind: "buyer", orgId: params.orgId }, lastWeek),
  ]);
  const usedLastWeek = new Map(recent.map((a) => [a.agentId, a.creditsUsed]));
  return {
    ...common,
    agents: agents.map((a) => ({ ...a, meanLatencyMs: a.runs ? Math.round(a.durationMsSum / a.runs) : null })),
    keys,
    credits: balances.map((b) => {
      const left = b.granted - b.used;
      const perDay = (usedLastWeek.get(b.agentId) ?? 0) / FORECAST_DAYS;
      return {
        agentId: b.agentId,
        name: b.name,
        slug: b.slug,
        left,
        perDay,
        /** Days until none are left at the last 7 days' rate; null when nothing was used. */
        runsOutInDays: perDay > 0 ? left / perDay : null,
      };
    }),
  };
}
export type BuyerDashboard = Awaited<ReturnType<typeof buyerDashboard>>;

/** A published agent's public activity for its page: runs and latency per UTC day, the last 30 days. */
export async function agentActivity(db: Db, params: { agentId: string }, now = Date.now()) {
  const hour = 3_600_000;
  const to = Math.floor(now / hour) * hour + hour;
  const range: DashboardRange = {
    from: new Date(to - 30 * 24 * hour),
    to: new Date(to),
    bucket: "day",
    timeZone: "UTC",
  };
  const scope: DashboardScope = { kind: "agent", agentId: params.agentId };
  const [runs, latency] = await Promise.all([runSeries(db, scope, range), latencySeries(db, scope, range)]);
  const runsByStart = new Map(runs.map((b) => [b.bucket.getTime(), b.runs]));
  const latencyByStart = new Map(latency.map((b) => [b.bucket!.getTime(), b]));
  return bucketStarts(range).map((start) => ({
    label: new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "short", day: "numeric" }).format(start),
    runs: runsByStart.get(start) ?? 0,
    p50: latencyByStart.get(start)?.p50 ?? null,
    p95: latencyByStart.get(start)?.p95 ?? null,
  }));
}

/** Dashboard reads one user may have running at once; more wait their turn. */
export const DASHBOARD_READS_PER_USER = 2;
/** Per process (globalThis): each route bundle is its own module instance. */
const globalForSlots = globalThis as unknown as { __aiNomadsDashboardSlots?: KeyedSemaphore };
const dashboardSlots = (globalForSlots.__aiNomadsDashboardSlots ??= new KeyedSemaphore(DASHBOARD_READS_PER_USER));

/**
 * Runs one dashboard read for `userId` once fewer than DASHBOARD_READS_PER_USER of theirs
 * are running, so one account reloading in a loop holds at most that many database reads; a
 * request that goes away while waiting gives its turn up.
 */
export async function withDashboardSlot<T>(userId: string, signal: AbortSignal, read: () => Promise<T>): Promise<T> {
  const release = await dashboardSlots.acquire(userId, signal);
  try {
    return await read();
  } finally {
    release();
  }
}

const creatorQuery = z.object({
  agent: z.string().min(1).max(100).optional(),
  version: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

/**
 * The signed-in creator's dashboard (all their agents, or one and a version) for a page's
 * URL state (`lib/dashboards/params.ts`): what GET /api/dashboard/creator answers and what
 * the dashboard page renders on the server. Throws AppError on a bad range, agent or version.
 */
export async function creatorDashboardFor(
  db: Db,
  userId: string,
  query: Record<string, string>,
  signal: AbortSignal,
): Promise<CreatorDashboard> {
  const parsed = creatorQuery.safeParse(query);
  if (!parsed.success) throw new AppError("INVALID_INPUT", "Unknown agent or version.");
  const range = resolveRange(query);
  return withDashboardSlot(userId, signal, () =>
    creatorDashboard(
      db,
      { ownerId: userId, agentSlug: parsed.data.agent, version: parsed.data.agent ? parsed.data.version : undefined },
      range,
    ),
  );
}
