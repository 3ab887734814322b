import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { rowsOf } from "./raw-rows";
import { agents, agentVersions } from "../schema";
import { keyFromRow, type AuthenticatedKey } from "./api-keys";

/**
 * Looks up a batch of API keys by hash and counts each request in its key's current
 * one-minute window, in one statement (authenticate_api_keys, db/functions/). Per request, in
 * order: the key with this request's position in the window, or undefined for an unknown hash.
 */
export async function authenticateApiKeys(
  db: Db,
  params: { keyHashes: string[]; windowStart: Date; now: Date },
): Promise<(AuthenticatedKey | undefined)[]> {
  if (!params.keyHashes.length) return [];
  const result = await db.execute(
    sql`select * from authenticate_api_keys(${JSON.stringify(authPayload(params.keyHashes))}::jsonb, ${params.windowStart.toISOString()}::timestamptz, ${params.now.toISOString()}::timestamptz, ${touchedBefore(params.now)}::timestamptz)`,
  );
  return authResults(params.keyHashes.length, rowsOf(result));
}

const authPayload = (keyHashes: string[]) => keyHashes.map((keyHash, ord) => ({ ord, key_hash: keyHash }));
/** Last use is recorded at most every 10 s. */
const touchedBefore = (now: Date) => new Date(now.getTime() - 10_000).toISOString();

function authResults(count: number, rows: Record<string, unknown>[]): (AuthenticatedKey | undefined)[] {
  const byOrd = new Map(rows.map((row) => [Number(row.ord), row]));
  return Array.from({ length: count }, (_, ord) => {
    const row = byOrd.get(ord);
    return row && row.id !== null ? keyFromRow(row) : undefined;
  });
}

/**
 * The published agent with this slug and the version a key with this pin runs of it
 * (version_to_run: the pinned version when it belongs to the agent, else the current one).
 */
export async function getRunnableVersion(db: Db, params: { slug: string; pinnedVersionId: string | null }) {
  const [row] = await db
    .select({
      agent: {
        id: agents.id,
        slug: agents.slug,
        name: agents.name,
        unlisted: sql<boolean>`${agents.unlistedAt} is not null`.mapWith(Boolean),
      },
      version: {
        id: agentVersions.id,
        version: agentVersions.version,
        spec: agentVersions.spec,
        priceWei: agentVersions.priceWei,
      },
    })
    .from(agents)
    .innerJoin(
      agentVersions,
      eq(
        agentVersions.id,
        sql`version_to_run(${params.pinnedVersionId}::uuid, ${agents.id}, ${agents.currentVersionId})`,
      ),
    )
    .where(and(eq(agents.slug, params.slug), eq(agents.status, "published")))
    .limit(1);
  return row;
}

/** One request to start a run (see start_runs in db/functions/03_start_runs.sql). */
export type RunStart = {
  executionId: string;
  agentId: string;
  versionId: string | null;
  input: unknown;
  inputHash: string;
  costWei: string;
  /** When the run, still running, must have ended; past it the reaper ends it. */
  deadlineAt: Date;
  /** Accepted asynchronously: inserted `queued`, for a worker to claim (takeQueuedRun). */
  queued?: boolean;
  /** The API request that started it. */
  requestId?: string | null;
} & (
  | {
      source: "api";
      keyId: string;
      orgId: string;
      pinnedVersionId: string | null;
      monthlyRunCap: number | null;
      idempotencyKey: string | null;
      /** Stored and compared next to an Idempotency-Key only. */
      requestHash: string | null;
    }
  | {
      source: "playground";
      userId: string;
      quotas: { maxRunning: number; maxPerMinute: number; maxTokensPerDay: number };
    }
);

export type RunStartOutcome =
  | { outcome: "started"; executionId: string; startedAt: Date; creditId: string | null }
  | { outcome: "replay" | "conflict"; executionId: string }
  | { outcome: "duplicate"; firstIndex: number }
  | { outcome: "stale" | "cap_reached" | "no_credit" | "quota_running" | "quota_rate" | "quota_tokens" };

/**
 * Starts a batch of runs in one statement (start_runs): for each request, the checks that
 * guard it and, when they pass, its credit (API) and its execution row, status `running`.
 * Postgres applies the statement atomically: a row exists exactly when its credit was taken.
 */
export async function startRuns(db: Db, params: { requests: RunStart[]; now: Date }): Promise<RunStartOutcome[]> {
  if (!params.requests.length) return [];
  const result = await db.execute(
    sql`select * from start_runs(${JSON.stringify(startPayload(params.requests))}::jsonb, ${params.now.toISOString()}::timestamptz)`,
  );
  return startResults(params.requests.length, rowsOf(result));
}

function startPayload(requests: RunStart[]) {
  return requests.map((r, ord) => ({
    ord,
    execution_id: r.executionId,
    source: r.source,
    agent_id: r.agentId,
    version_id: r.versionId,
    input: r.input ?? null,
    input_hash: r.inputHash,
    cost_wei: r.costWei,
    deadline_at: r.deadlineAt.toISOString(),
    queued: r.queued ?? false,
    request_id: r.requestId ?? null,
    // start_runs serialises these requests with locks; the others need none.
    needs_lock: r.source === "playground" || r.idempotencyKey !== null || r.monthlyRunCap !== null,
    ...(r.source === "api"
      ? {
          key_id: r.keyId,
          org_id: r.orgId,
          pinned_version_id: r.pinnedVersionId,
          monthly_run_cap: r.monthlyRunCap,
          idempotency_key: r.idempotencyKey,
          request_hash: r.idempotencyKey ? r.requestHash : null,
        }
      : {
          user_id: r.userId,
          max_running: r.quotas.maxRunning,
          max_per_minute: r.quotas.maxPerMinute,
          max_tokens_per_day: r.quotas.maxTokensPerDay,
        }),
  }));
}

function startResults(count: number, rows: Record<string, unknown>[]): RunStartOutcome[] {
  const byOrd = new Map(rows.map((row) => [Number(row.ord), row]));
  return Array.from({ length: count }, (_, ord): RunStartOutcome => {
    const row = byOrd.get(ord);
    if (!row) throw new Error(`start_runs returned no row for request ${ord}`);
    const outcome = row.outcome as string;
    if (outcome === "started") {
      return {
        outcome,
        executionId: row.execution_id as string,
        startedAt: new Date(row.started_at as string | Date),
        creditId: (row.credit_id as string | null) ?? null,
      };
    }
    if (outcome === "replay" || outcome === "conflict") return { outcome, executionId: row.execution_id as string };
    if (outcome === "duplicate") return { outcome, firstIndex: Number(row.first_ord) };
    return {
      outcome: outcome as "stale" | "cap_reached" | "no_credit" | "quota_running" | "quota_rate" | "quota_tokens",
    };
  });
}

/** The end of a run, as finish_runs records it. */
export type RunEnd = {
  id: string;
  status: "succeeded" | "failed" | "timed_out";
  output: unknown;
  outputHash: string | null;
  steps: unknown[];
  errorCode: string | null;
  errorMessage: string | null;
  tokensIn: number;
  tokensOut: number;
  durationMs: number;
  receiptHash: string;
  finishedAt: Date;
  /** The platform failed the run: its credit goes back (lib/metering/refund-policy.ts). */
  refund: boolean;
};

/**
 * Records the end of a batch of runs and refunds the credits of those marked `refund`, in
 * one statement (finish_runs). Only rows still `running` move; per item, whether it moved.
 */
export async function finishRuns(db: Db, ends: RunEnd[]): Promise<boolean[]> {
  if (!ends.length) return [];
  const result = await db.execute(
    sql`select finish_runs as id from finish_runs(${JSON.stringify(finishPayload(ends))}::jsonb)`,
  );
  return finishResults(
    ends,
    rowsOf(result).map((r) => r.id as string),
  );
}

function finishPayload(ends: RunEnd[]) {
  return ends.map((e) => ({
    id: e.id,
    status: e.status,
    output: e.output ?? null,
    output_hash: e.outputHash,
    steps: e.steps,
    error_code: e.errorCode,
    error_message: e.errorMessage,
    tokens_in: e.tokensIn,
    tokens_out: e.tokensOut,
    duration_ms: e.durationMs,
    receipt_hash: e.receiptHash,
    finished_at: e.finishedAt.toISOString(),
    refund: e.refund,
  }));
}

function finishResults(ends: RunEnd[], movedIds: string[]): boolean[] {
  const moved = new Set(movedIds);
  return ends.map((e) => moved.has(e.id));
}

/**
 * Everything the run path has waiting, in one round trip (run_path_batch): the ends of
 * finished runs first, then key look-ups, then new runs; each part is the statement its
 * own function above runs, with the same results.
 */
export async function runPathBatch(
  db: Db,
  params: { keyHashes: string[]; starts: RunStart[]; ends: RunEnd[]; windowStart: Date; now: Date },
): Promise<{ auths: (AuthenticatedKey | undefined)[]; starts: RunStartOutcome[]; ends: boolean[] }> {
  const result = await db.execute(sql`select kind, data from run_path_batch(
    ${JSON.stringify(authPayload(params.keyHashes))}::jsonb, ${params.windowStart.toISOString()}::timestamptz,
    ${params.now.toISOString()}::timestamptz, ${touchedBefore(params.now)}::timestamptz,
    ${JSON.stringify(startPayload(params.starts))}::jsonb, ${JSON.stringify(finishPayload(params.ends))}::jsonb)`);
  const parts = {
    auth: [] as Record<string, unknown>[],
    start: [] as Record<string, unknown>[],
    finish: [] as string[],
  };
  for (const row of rowsOf(result)) {
    // Both drivers hand jsonb over parsed (a finish row's data is the id, a JSON string).
    const data = row.data;
    if (row.kind === "finish") parts.finish.push(data as string);
    else parts[row.kind as "auth" | "start"].push(data as Record<string, unknown>);
  }
  return {
    auths: authResults(params.keyHashes.length, parts.auth),
    starts: startResults(params.starts.length, parts.start),
    ends: finishResults(params.ends, parts.finish),
  };
}

/**
 * Takes a queued run off the queue: for a worker, which then runs it (its start time and
 * deadline become now's), or to cancel it (`orgId`: only the organisation's own). Only one
 * caller gets it; undefined when it is no longer queued (claimed, cancelled, or ended by
 * the reaper). The version's spec comes with it.
 */
export async function takeQueuedRun(
  db: Db,
  params: { executionId: string; now: Date; deadlineAt: Date; orgId?: string },
) {
  const result = await db.execute(sql`
    with taken as (
      update executions set queued = false, started_at = ${params.now.toISOString()}::timestamptz,
        deadline_at = ${params.deadlineAt.toISOString()}::timestamptz
      where id = ${params.executionId} and status = 'running' and queued
        ${params.orgId ? sql`and org_id = ${params.orgId}` : sql``}
      returning id, agent_id, version_id, org_id, input, input_hash, cost_wei, started_at
    )
    select t.*, v.spec from taken t left join agent_versions v on v.id = t.version_id`);
  const [row] = rowsOf(result);
  if (!row) return undefined;
  return {
    id: row.id as string,
    agentId: row.agent_id as string,
    versionId: (row.version_id as string | null) ?? null,
    orgId: (row.org_id as string | null) ?? null,
    input: row.input as unknown,
    inputHash: (row.input_hash as string | null) ?? "",
    costWei: String(row.cost_wei),
    startedAt: new Date(row.started_at as string | Date),
    spec: row.spec as unknown,
  };
}

/**
 * Asks a running (started, not queued) run of the organisation to stop: the process running
 * it notices (cancelRequestedAmong) and stops it. Undefined when it is not running.
 */
export async function requestRunCancel(db: Db, params: { executionId: string; orgId: string; now: Date }) {
  const result = await db.execute(sql`
    update executions set cancel_requested_at = coalesce(cancel_requested_at, ${params.now.toISOString()}::timestamptz)
    where id = ${params.executionId} and org_id = ${params.orgId} and status = 'running' and not queued
    returning id`);
  return rowsOf(result)[0]?.id as string | undefined;
}

/** Which of these running runs their organisation asked to stop. */
export async function cancelRequestedAmong(db: Db, executionIds: string[]): Promise<string[]> {
  if (!executionIds.length) return [];
  const result = await db.execute(sql`
    select id from executions
    where id = any(${`{${executionIds.join(",")}}`}::uuid[]) and cancel_requested_at is not null`);
  return rowsOf(result).map((row) => row.id as string);
}

/** Runs still `running` past their deadline (their process died): what their receipt covers. */
export async function listOverdueRuns(db: Db, params: { now: Date; limit: number }) {
  const result = await db.execute(sql`
    select id, agent_id, version_id, input_hash, cost_wei, started_at, queued
    from executions
    where status = 'running'
      and (deadline_at < ${params.now.toISOString()}::timestamptz
           -- Rows started before runs had deadlines: an hour is past any run's limit.
           or (deadline_at is null and started_at < ${params.now.toISOString()}::timestamptz - interval '1 hour'))
    order by deadline_at nulls first
    limit ${params.limit}`);
  return rowsOf(result).map((row) => ({
    id: row.id as string,
    agentId: row.agent_id as string,
    versionId: (row.version_id as string | null) ?? null,
    inputHash: (row.input_hash as string | null) ?? "",
    costWei: String(row.cost_wei),
    startedAt: new Date(row.started_at as string | Date),
    /** Accepted asynchronously and never started: no worker took it in time. */
    queued: row.queued === true,
  }));
}
