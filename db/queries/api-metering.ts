import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { keyFromRow, type AuthenticatedKey } from "./api-keys";
import type { ExecutionEnd } from "./executions";

/** One API run request on the fast path: a well-formed key, a known version, a valid input, no Idempotency-Key. */
export type MeteredStart = {
  /** The id the execution gets when the run is charged (chosen by the caller). */
  executionId: string;
  keyHash: string;
  slug: string;
  /** The version the caller validated the input against; the run is charged only when it is still the one to run. */
  versionId: string;
  input: unknown;
  inputHash: string;
  /** Null: the request hash only matters next to an Idempotency-Key. */
  requestHash: string | null;
  costWei: string;
  /**
   * The run's end state when the agent already ran (see migration 0008): the execution row
   * is then inserted finished, with this record, in the statement that charges it.
   */
  completed?: CompletedRun;
};

/** A finished run's end state, as runAgent returns it (its receipt covers these fields). */
export type CompletedRun = Omit<ExecutionEnd, "id" | "costWei"> & { startedAt: Date };

export type MeteredStartResult = {
  /** The key (with this request's count in the current window), or undefined when no key has this hash. */
  key: AuthenticatedKey | undefined;
  /** Set when the run was charged and its execution row inserted. */
  execution: { id: string; startedAt: Date; creditId: string } | null;
};

/**
 * Authenticates, rate-limits and meters a batch of API run requests in ONE statement
 * (the function start_metered_runs, db/migrations/0006_metering_functions.sql):
 *
 * - looks every key up by hash and counts each request in its key's current one-minute
 *   window (one upsert per key, `count + n`; each request gets its own position in the
 *   window), records last use, drops the key's older windows;
 * - for each request whose key is live, under its limit, without a monthly cap, scoped to
 *   the agent, and whose validated version is still the one the key runs (its pinned
 *   version of this agent, else the current one), takes credits from the organisation's
 *   oldest open grant for the agent — locked `FOR UPDATE`, then `used + least(n, left)`,
 *   so concurrent statements never overdraw it — and inserts an execution row for each
 *   credit taken.
 *
 * A request that carries its run's end state (`completed`) has its row inserted finished.
 *
 * Postgres applies a statement atomically, so a row exists exactly when its credit was
 * taken. Requests that were counted but not charged (no grant with runs left in the oldest
 * grant, a cap, another version, out of scope …) come back with `execution: null`; the
 * caller finishes them on the general path without counting them again.
 */
export async function startMeteredRuns(db: Db, params: { windowStart: Date; now: Date; requests: MeteredStart[] }): Promise<MeteredStartResult[]> {
  if (!params.requests.length) return [];
  const requests = params.requests.map((r, ord) => ({
    ord,
    execution_id: r.executionId,
    key_hash: r.keyHash,
    slug: r.slug,
    version_id: r.versionId,
    input: r.input ?? null,
    input_hash: r.inputHash,
    request_hash: r.requestHash,
    cost_wei: r.costWei,
    ...(r.completed && {
      status: r.completed.status,
      output: r.completed.output ?? null,
      output_hash: r.completed.outputHash,
      steps: r.completed.steps,
      error_code: r.completed.errorCode,
      error_message: r.completed.errorMessage,
      tokens_in: r.completed.tokensIn,
      tokens_out: r.completed.tokensOut,
      duration_ms: r.completed.durationMs,
      receipt_hash: r.completed.receiptHash,
      started_at: r.completed.startedAt.toISOString(),
      finished_at: r.completed.finishedAt.toISOString(),
    }),
  }));
  const windowStart = params.windowStart.toISOString();
  const now = params.now.toISOString();
  const touchedBefore = new Date(params.now.getTime() - 10_000).toISOString();
  // The statement lives in a PL/pgSQL function (migration 0006) so that its plan is made
  // once per database session instead of on every call.
  const result = await db.execute(
    sql`select * from start_metered_runs(${JSON.stringify(requests)}::jsonb, ${windowStart}::timestamptz, ${now}::timestamptz, ${touchedBefore}::timestamptz)`,
  );
  const rows = (result as unknown as { rows: Record<string, unknown>[] }).rows;
  const byOrd = new Map(rows.map((row) => [Number(row.ord), row]));
  return params.requests.map((_, ord) => {
    const row = byOrd.get(ord);
    if (!row || row.id === null) return { key: undefined, execution: null };
    return {
      key: keyFromRow(row),
      execution: row.execution_id
        ? { id: row.execution_id as string, startedAt: new Date(row.started_at as string | Date), creditId: row.credit_id as string }
        : null,
    };
  });
}
