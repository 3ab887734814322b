/**
 * The raw aggregates the rollups stand for, computed by scanning executions: the oracle
 * of the dashboard tests and the baseline of bench/dashboard.ts. The product never runs them.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import type { DashboardRange, DashboardScope, LatencyBucket, RunBucket } from "./dashboards";

const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows;
const num = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));

function inScope(scope: DashboardScope, range: DashboardRange): SQL {
  const parts: SQL[] = [
    sql`e.source <> 'playground'`,
    sql`e.status <> 'running'`,
    sql`e.finished_at >= ${range.from.toISOString()}::timestamptz`,
    sql`e.finished_at < ${range.to.toISOString()}::timestamptz`,
  ];
  if (scope.kind === "creator") {
    parts.push(sql`e.agent_id in (select a.id from agents a where a.owner_id = ${scope.ownerId})`);
    if (scope.versionId) parts.push(sql`e.version_id = ${scope.versionId}`);
  } else {
    parts.push(sql`e.org_id = ${scope.orgId}`);
    if (scope.apiKeyId) parts.push(sql`e.api_key_id = ${scope.apiKeyId}`);
  }
  if (scope.agentId) parts.push(sql`e.agent_id = ${scope.agentId}`);
  return sql.join(parts, sql` and `);
}

export async function rawRunSeries(db: Db, scope: DashboardScope, range: DashboardRange): Promise<RunBucket[]> {
  const result = await db.execute(sql`
    select date_trunc(${range.bucket}, e.finished_at, ${range.timeZone}) as bucket, count(*)::float8 as runs,
      count(*) filter (where e.status = 'succeeded')::float8 as succeeded,
      count(*) filter (where e.status = 'failed')::float8 as failed,
      count(*) filter (where e.status = 'timed_out')::float8 as timed_out,
      count(*) filter (where e.credit_id is not null and not e.credit_refunded)::float8 as credits_used,
      coalesce(sum(greatest(coalesce(e.duration_ms, 0), 0)), 0)::float8 as duration_ms_sum
    from executions e
    where ${inScope(scope, range)}
    group by 1 order by 1`);
  return rowsOf(result).map((row) => ({
    bucket: new Date(row.bucket as string),
    runs: num(row.runs),
    succeeded: num(row.succeeded),
    failed: num(row.failed),
    timedOut: num(row.timed_out),
    creditsUsed: num(row.credits_used),
    durationMsSum: num(row.duration_ms_sum),
  }));
}

export async function rawLatencySeries(
  db: Db,
  scope: DashboardScope,
  range: DashboardRange,
  options: { whole?: boolean } = {},
): Promise<LatencyBucket[]> {
  const bucket = options.whole
    ? sql`null::timestamptz`
    : sql`date_trunc(${range.bucket}, e.finished_at, ${range.timeZone})`;
  const latency = sql`greatest(coalesce(e.duration_ms, 0), 0)`;
  const result = await db.execute(sql`
    select ${bucket} as bucket, count(*)::float8 as runs,
      percentile_disc(0.5) within group (order by ${latency}) as p50,
      percentile_disc(0.95) within group (order by ${latency}) as p95,
      percentile_disc(0.99) within group (order by ${latency}) as p99
    from executions e
    where ${inScope(scope, range)}
    group by 1 order by 1`);
  return rowsOf(result).map((row) => ({
    bucket: row.bucket === null ? null : new Date(row.bucket as string),
    runs: num(row.runs),
    p50: num(row.p50),
    p95: num(row.p95),
    p99: num(row.p99),
  }));
}

export async function rawErrorCounts(db: Db, scope: DashboardScope, range: DashboardRange) {
  const result = await db.execute(sql`
    select coalesce(e.error_code, 'UNKNOWN') as error_code, count(*)::float8 as runs
    from executions e
    where ${inScope(scope, range)} and e.status <> 'succeeded'
    group by 1 order by 2 desc, 1 limit 50`);
  return rowsOf(result).map((row) => ({ errorCode: String(row.error_code), runs: num(row.runs) }));
}

/** Every rollup row, in key order, to compare a rebuild with what was kept current. */
export async function snapshotRollups(db: Db) {
  const [runs, errors, latencies] = await Promise.all([
    db.execute(sql`select * from run_rollups order by agent_id, hour, version_id, org_id, api_key_id`),
    db.execute(sql`select * from run_error_rollups order by agent_id, hour, version_id, org_id, error_code`),
    db.execute(sql`select * from run_latency_rollups order by agent_id, hour, version_id, org_id, latency_ms`),
  ]);
  const plain = (result: unknown) =>
    rowsOf(result).map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)])),
    );
  return { runs: plain(runs), errors: plain(errors), latencies: plain(latencies) };
}
