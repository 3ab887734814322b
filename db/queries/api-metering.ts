import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { keyFromRow, type AuthenticatedKey } from "./api-keys";

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
  requestHash: string;
  costWei: string;
};

export type MeteredStartResult = {
  /** The key (with this request's count in the current window), or undefined when no key has this hash. */
  key: AuthenticatedKey | undefined;
  /** Set when the run was charged and its execution row inserted. */
  execution: { id: string; startedAt: Date; creditId: string } | null;
};

/**
 * Authenticates, rate-limits and meters a batch of API run requests in ONE statement:
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
  }));
  const windowStart = params.windowStart.toISOString();
  const now = params.now.toISOString();
  const touchedBefore = new Date(params.now.getTime() - 10_000).toISOString();
  const result = await db.execute(sql`
    with req as (
      select * from jsonb_to_recordset(${JSON.stringify(requests)}::jsonb) as r(
        ord integer, execution_id uuid, key_hash text, slug text, version_id uuid, input jsonb,
        input_hash text, request_hash text, cost_wei numeric)
    ), k as (
      select k.id, k.key_hash, k.org_id, k.name, k.prefix, k.agent_ids, k.rate_limit_per_minute, k.monthly_run_cap,
             k.pinned_version_id, k.revoked_at, o.name as org_name
      from api_keys k join organizations o on o.id = k.org_id
      where k.key_hash in (select key_hash from req)
    ), counted as (
      insert into rate_limit_windows (api_key_id, window_start, count)
      select k.id, ${windowStart}::timestamptz, count(*)::int
      from req join k on k.key_hash = req.key_hash
      where k.revoked_at is null
      group by k.id
      order by k.id
      on conflict (api_key_id, window_start) do update set count = rate_limit_windows.count + excluded.count
      returning api_key_id, count
    ), pruned as (
      delete from rate_limit_windows w
      where w.api_key_id in (select api_key_id from counted) and w.window_start < ${windowStart}::timestamptz
      returning w.api_key_id
    ), touched as (
      update api_keys set last_used_at = ${now}::timestamptz
      where id in (select id from k where revoked_at is null)
        and (last_used_at is null or last_used_at < ${touchedBefore}::timestamptz)
      returning id
    ), ranked as (
      select req.*, k.id as key_id, k.org_id, k.name, k.prefix, k.agent_ids, k.rate_limit_per_minute, k.monthly_run_cap,
             k.pinned_version_id, k.revoked_at, k.org_name,
             c.count - count(*) over (partition by k.id) + row_number() over (partition by k.id order by req.ord) as request_count
      from req
      left join k on k.key_hash = req.key_hash
      left join counted c on c.api_key_id = k.id
    ), target as (
      select r.ord, r.execution_id, r.key_id, r.org_id, a.id as agent_id, r.version_id, r.input, r.input_hash,
             r.request_hash, r.cost_wei,
             row_number() over (partition by r.org_id, a.id order by r.ord) as rn
      from ranked r
      join agents a on a.slug = r.slug and a.status = 'published'
      where r.request_count <= r.rate_limit_per_minute
        and r.monthly_run_cap is null
        and a.id = any(r.agent_ids)
        and r.version_id = coalesce(
          (select v.id from agent_versions v where v.id = r.pinned_version_id and v.agent_id = a.id),
          a.current_version_id)
    ), want as (
      select org_id, agent_id, count(*)::int as m from target group by org_id, agent_id
    ), locked as (
      select g.id, g.used, w.m
      from want w
      cross join lateral (
        select c.id, c.used from credits c
        where c.org_id = w.org_id and c.agent_id = w.agent_id and c.used < c.granted
        order by c.created_at, c.id
        limit 1
        for update
      ) g
    ), taken as (
      update credits c set used = c.used + least(l.m, c.granted - c.used), updated_at = now()
      from locked l
      where c.id = l.id
      returning c.id, c.org_id, c.agent_id, c.used - l.used as n
    ), charged as (
      select t.*, tk.id as credit_id
      from target t
      join taken tk on tk.org_id = t.org_id and tk.agent_id = t.agent_id and t.rn <= tk.n
    ), inserted as (
      insert into executions (id, agent_id, version_id, source, org_id, api_key_id, credit_id, request_hash, status,
                              input, input_hash, cost_wei, started_at)
      select execution_id, agent_id, version_id, 'api', org_id, key_id, credit_id, request_hash, 'running',
             input, input_hash, cost_wei, ${now}::timestamptz
      from charged
      returning id, started_at, credit_id
    )
    select r.ord, r.key_id as id, r.org_id, r.org_name, r.name, r.prefix, r.agent_ids, r.rate_limit_per_minute,
           r.monthly_run_cap, r.pinned_version_id, r.revoked_at, r.request_count,
           i.id as execution_id, i.started_at, i.credit_id
    from ranked r
    left join inserted i on i.id = r.execution_id
    order by r.ord`);
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
