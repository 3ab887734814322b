-- start_metered_runs (migration 0006) learns to record a run that has already finished.
-- A request may carry the end state of its run (status, output, hashes, steps, usage,
-- receipt, start and finish times): the agent ran before it was charged, which the API
-- does only for agents that cannot reach anything outside the sandbox (code, no tools, no
-- model; see lib/api/handlers/create-run.ts). The row is then inserted finished, in the
-- statement that takes its credit, so such a run costs one statement instead of two.
-- Requests without an end state insert a `running` row as before. Same signature, same
-- result columns.
create or replace function start_metered_runs(requests jsonb, window_start timestamptz, run_at timestamptz, touched_before timestamptz)
returns table (
  ord integer, id uuid, org_id uuid, org_name text, name text, prefix text, agent_ids uuid[], rate_limit_per_minute integer,
  monthly_run_cap integer, pinned_version_id uuid, revoked_at timestamptz, request_count bigint,
  execution_id uuid, started_at timestamptz, credit_id uuid)
language plpgsql
set plan_cache_mode = force_generic_plan
as $fn$
#variable_conflict use_column
begin
  return query
    with req as (
      select * from jsonb_to_recordset(requests) as r(
        ord integer, execution_id uuid, key_hash text, slug text, version_id uuid, input jsonb,
        input_hash text, request_hash text, cost_wei numeric,
        status text, output jsonb, output_hash text, steps jsonb, error_code text, error_message text,
        tokens_in integer, tokens_out integer, duration_ms integer, receipt_hash text,
        started_at timestamptz, finished_at timestamptz)
    ), k as (
      select k.id, k.key_hash, k.org_id, k.name, k.prefix, k.agent_ids, k.rate_limit_per_minute, k.monthly_run_cap,
             k.pinned_version_id, k.revoked_at, o.name as org_name
      from api_keys k join organizations o on o.id = k.org_id
      where k.key_hash in (select key_hash from req)
    ), counted as (
      insert into rate_limit_windows as w (api_key_id, window_start, count)
      select k.id, start_metered_runs.window_start, count(*)::int
      from req join k on k.key_hash = req.key_hash
      where k.revoked_at is null
      group by k.id
      order by k.id
      on conflict (api_key_id, window_start) do update set count = w.count + excluded.count
      returning w.api_key_id, w.count
    ), pruned as (
      delete from rate_limit_windows w
      where w.api_key_id in (select api_key_id from counted) and w.window_start < start_metered_runs.window_start
      returning w.api_key_id
    ), touched as (
      update api_keys ak set last_used_at = run_at
      where ak.id in (select k.id from k where k.revoked_at is null)
        and (ak.last_used_at is null or ak.last_used_at < touched_before)
      returning ak.id
    ), ranked as (
      select req.*, k.id as key_id, k.org_id, k.name, k.prefix, k.agent_ids, k.rate_limit_per_minute, k.monthly_run_cap,
             k.pinned_version_id, k.revoked_at, k.org_name,
             c.count - count(*) over (partition by k.id) + row_number() over (partition by k.id order by req.ord) as request_count
      from req
      left join k on k.key_hash = req.key_hash
      left join counted c on c.api_key_id = k.id
    ), target as (
      select r.ord, r.execution_id, r.key_id, r.org_id, a.id as agent_id, r.version_id, r.input, r.input_hash,
             r.request_hash, r.cost_wei, r.status, r.output, r.output_hash, r.steps, r.error_code, r.error_message,
             r.tokens_in, r.tokens_out, r.duration_ms, r.receipt_hash, r.started_at, r.finished_at,
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
      select t.org_id, t.agent_id, count(*)::int as m from target t group by t.org_id, t.agent_id
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
      insert into executions as e (id, agent_id, version_id, source, org_id, api_key_id, credit_id, request_hash, status,
                              input, input_hash, cost_wei, output, output_hash, steps, error_code, error_message,
                              tokens_in, tokens_out, duration_ms, receipt_hash, started_at, finished_at)
      select ch.execution_id, ch.agent_id, ch.version_id, 'api', ch.org_id, ch.key_id, ch.credit_id, ch.request_hash,
             coalesce(ch.status, 'running')::execution_status, ch.input, ch.input_hash, ch.cost_wei,
             ch.output, ch.output_hash, coalesce(ch.steps, '[]'::jsonb), ch.error_code, ch.error_message,
             coalesce(ch.tokens_in, 0), coalesce(ch.tokens_out, 0), ch.duration_ms, ch.receipt_hash,
             coalesce(ch.started_at, run_at), ch.finished_at
      from charged ch
      returning e.id, e.started_at, e.credit_id
    )
    select r.ord, r.key_id, r.org_id, r.org_name, r.name, r.prefix, r.agent_ids, r.rate_limit_per_minute,
           r.monthly_run_cap, r.pinned_version_id, r.revoked_at, r.request_count,
           i.id, i.started_at, i.credit_id
    from ranked r
    left join inserted i on i.id = r.execution_id
    order by r.ord;
end
$fn$;
