/**
 * The raw aggregates the rollups stand for, computed by scanning executions: the oracle
 * of the dashboard tests and the baseline of bench/dashboard.ts. The product never runs them.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { num, rowsOf } from "./raw-rows";
import type { DashboardRange, DashboardScope, LatencyBucket, RunBucket } from "./dashboards";

function inScope(scope: DashboardScope, range: DashboardRange): SQL {
  const parts: SQL[] = [
    sql`e.source <> 'playground'`,
    sql`e.status <> 'running'`,
    sql`e.finished_at >= ${range.from.toISOString()}::timestamptz`,
    sql`e.finished_at < ${range.to.toISOString()}::timestamptz`,
    // No run lasts a day: this bound lets the raw query use the (agent, created_at) index.
    sql`e.created_at >= ${range.from.toISOString()}::timestamptz - interval '1 day'`,
    sql`e.created_at < ${range.to.toISOString()}::timestamptz`,
  ];
  if (scope.kind === "creator") {
    parts.push(sql`e.agent_id in (select a.id from agents a where a.owner_id = ${scope.ownerId})`);
    if (scope.versionId) parts.push(sql`e.version_id = ${scope.versionId}`);
  } else if (scope.kind === "buyer") {
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
  const [runs, agentRuns, errors, latencies, agentLatencies] = await Promise.all([
    db.execute(sql`select * from run_rollups order by agent_id, hour, version_id, org_id, api_key_id`),
    db.execute(sql`select * from agent_run_rollups order by agent_id, hour, version_id`),
    db.execute(sql`select * from run_error_rollups order by agent_id, hour, version_id, org_id, error_code`),
    db.execute(sql`select * from run_latency_rollups order by agent_id, hour, version_id, org_id, latency_ms`),
    db.execute(sql`select * from agent_latency_rollups order by agent_id, hour, version_id`),
  ]);
  const plain = (result: unknown) =>
    rowsOf(result).map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)])),
    );
  return {
    runs: plain(runs),
    agentRuns: plain(agentRuns),
    errors: plain(errors),
    latencies: plain(latencies),
    agentLatencies: plain(agentLatencies),
  };
}

/**
 * Inserts `count` finished API executions spread over the `days` before `now` (benchmark
 * data): agents drawn with a skew (the first ones are the busiest), organisations and
 * their keys uniformly, 95 % succeeded, 3 % failed, 2 % timed out, latencies from about
 * 20 ms to a few seconds, and rows as wide as small real runs (input, output, a few steps).
 * Rollups are not touched: rebuild them afterwards.
 */
export async function insertBenchExecutions(
  db: Db,
  params: {
    count: number;
    days: number;
    now: Date;
    agents: { id: string; versionId: string }[];
    orgs: { id: string; apiKeyId: string }[];
  },
) {
  const agentIds = `{${params.agents.map((a) => a.id).join(",")}}`;
  const versionIds = `{${params.agents.map((a) => a.versionId).join(",")}}`;
  const orgIds = `{${params.orgs.map((o) => o.id).join(",")}}`;
  const keyIds = `{${params.orgs.map((o) => o.apiKeyId).join(",")}}`;
  const steps = JSON.stringify([
    { type: "log", message: "parsed 3 rows", at: 1 },
    { type: "tool_call", tool: "run_code", args: { code: "rows.length" }, result: 3, at: 4 },
  ]);
  await db.execute(sql`
    insert into executions (agent_id, version_id, source, org_id, api_key_id, status, input, input_hash, output,
      output_hash, steps, error_code, error_message, tokens_in, tokens_out, duration_ms, receipt_hash, started_at,
      finished_at, created_at)
    select (${agentIds}::uuid[])[x.ai], (${versionIds}::uuid[])[x.ai], 'api', (${orgIds}::uuid[])[x.oi],
      (${keyIds}::uuid[])[x.oi], x.status::execution_status, '{"csv":"city,temp\\nOslo,3\\nLisbon,17"}'::jsonb,
      md5(x.g::text), case when x.status = 'succeeded' then '{"rows":2,"mean":10}'::jsonb end,
      case when x.status = 'succeeded' then md5(x.g::text || 'o') end, ${steps}::jsonb,
      case x.status when 'failed' then 'AGENT_ERROR' when 'timed_out' then 'TIMEOUT' end,
      case x.status when 'failed' then 'The agent threw.' when 'timed_out' then 'The run took too long.' end,
      0, 0, x.ms, md5(x.g::text || 'r'), x.finished - x.ms * interval '1 millisecond', x.finished,
      x.finished - x.ms * interval '1 millisecond'
    from (
      select g,
        1 + least(floor(power(random(), 2) * ${params.agents.length})::int, ${params.agents.length - 1}) as ai,
        1 + floor(random() * ${params.orgs.length})::int as oi,
        case when r < 0.95 then 'succeeded' when r < 0.98 then 'failed' else 'timed_out' end as status,
        (20 * exp(random() * 5))::int as ms,
        ${params.now.toISOString()}::timestamptz - random() * (${params.days} * interval '1 day') as finished
      from (select g, random() as r from generate_series(1, ${params.count}) g) s
    ) x`);
}

export async function rawRunsByOrganization(db: Db, scope: DashboardScope, range: DashboardRange) {
  const result = await db.execute(sql`
    select e.org_id, o.name, count(*)::float8 as runs,
      count(*) filter (where e.credit_id is not null and not e.credit_refunded)::float8 as credits_used,
      count(*) filter (where e.status <> 'succeeded')::float8 as failures
    from executions e left join organizations o on o.id = e.org_id
    where ${inScope(scope, range)}
    group by 1, 2 order by 3 desc, 2 limit 50`);
  return rowsOf(result);
}

export async function rawRunsByAgent(db: Db, scope: DashboardScope, range: DashboardRange) {
  const result = await db.execute(sql`
    select e.agent_id, a.name, a.slug, count(*)::float8 as runs,
      count(*) filter (where e.credit_id is not null and not e.credit_refunded)::float8 as credits_used,
      count(*) filter (where e.status <> 'succeeded')::float8 as failures
    from executions e join agents a on a.id = e.agent_id
    where ${inScope(scope, range)}
    group by 1, 2, 3 order by 4 desc, 2`);
  return rowsOf(result);
}

/** Adds `count` members to an organisation (benchmark data); returns their ids. */
export async function insertBenchMembers(db: Db, params: { orgId: string; count: number }): Promise<string[]> {
  const result = await db.execute(sql`
    with u as (
      insert into users (email, name)
      select 'viewer' || g || '-' || ${params.orgId} || '@bench.example', 'Viewer ' || g
      from generate_series(1, ${params.count}) g
      returning id
    ), m as (
      insert into memberships (org_id, user_id, role) select ${params.orgId}, id, 'member' from u returning user_id
    )
    select user_id from m`);
  return rowsOf(result).map((row) => String(row.user_id));
}
