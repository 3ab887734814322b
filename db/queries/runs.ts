import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agents, agentVersions } from "../schema";
import { keyFromRow, type AuthenticatedKey } from "./api-keys";

const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows;

/**
 * Looks up a batch of API keys by hash and counts each request in its key's current
 * one-minute window, in one statement (authenticate_api_keys, db/functions/). Per request, in
 * order: the key with this request's position in the window, or undefined for an unknown hash.
 */
export async function authenticateApiKeys(db: Db, params: { keyHashes: string[]; windowStart: Date; now: Date }): Promise<(AuthenticatedKey | undefined)[]> {
  if (!params.keyHashes.length) return [];
  const requests = params.keyHashes.map((keyHash, ord) => ({ ord, key_hash: keyHash }));
  const touchedBefore = new Date(params.now.getTime() - 10_000);
  const result = await db.execute(
    sql`select * from authenticate_api_keys(${JSON.stringify(requests)}::jsonb, ${params.windowStart.toISOString()}::timestamptz, ${params.now.toISOString()}::timestamptz, ${touchedBefore.toISOString()}::timestamptz)`,
  );
  const byOrd = new Map(rowsOf(result).map((row) => [Number(row.ord), row]));
  return params.keyHashes.map((_, ord) => {
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
      agent: { id: agents.id, slug: agents.slug, name: agents.name },
      version: { id: agentVersions.id, version: agentVersions.version, spec: agentVersions.spec, priceWei: agentVersions.priceWei },
    })
    .from(agents)
    .innerJoin(agentVersions, eq(agentVersions.id, sql`version_to_run(${params.pinnedVersionId}::uuid, ${agents.id}, ${agents.currentVersionId})`))
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
  | { source: "playground"; userId: string; quotas: { maxRunning: number; maxPerMinute: number; maxTokensPerDay: number } }
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
  const requests = params.requests.map((r, ord) => ({
    ord,
    execution_id: r.executionId,
    source: r.source,
    agent_id: r.agentId,
    version_id: r.versionId,
    input: r.input ?? null,
    input_hash: r.inputHash,
    cost_wei: r.costWei,
    deadline_at: r.deadlineAt.toISOString(),
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
  const result = await db.execute(sql`select * from start_runs(${JSON.stringify(requests)}::jsonb, ${params.now.toISOString()}::timestamptz)`);
  const byOrd = new Map(rowsOf(result).map((row) => [Number(row.ord), row]));
  return params.requests.map((_, ord): RunStartOutcome => {
    const row = byOrd.get(ord);
    if (!row) throw new Error(`start_runs returned no row for request ${ord}`);
    const outcome = row.outcome as string;
    if (outcome === "started") {
      return { outcome, executionId: row.execution_id as string, startedAt: new Date(row.started_at as string | Date), creditId: (row.credit_id as string | null) ?? null };
    }
    if (outcome === "replay" || outcome === "conflict") return { outcome, executionId: row.execution_id as string };
    if (outcome === "duplicate") return { outcome, firstIndex: Number(row.first_ord) };
    return { outcome: outcome as "stale" | "cap_reached" | "no_credit" | "quota_running" | "quota_rate" | "quota_tokens" };
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
  const rows = ends.map((e) => ({
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
  const result = await db.execute(sql`select finish_runs as id from finish_runs(${JSON.stringify(rows)}::jsonb)`);
  const moved = new Set(rowsOf(result).map((r) => r.id as string));
  return ends.map((e) => moved.has(e.id));
}

/** Runs still `running` past their deadline (their process died): what their receipt covers. */
export async function listOverdueRuns(db: Db, params: { now: Date; limit: number }) {
  const result = await db.execute(sql`
    select id, agent_id, version_id, input_hash, cost_wei, started_at
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
  }));
}
