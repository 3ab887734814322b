-- add_run_rollups(ids): adds the given finished executions to the dashboard rollups
-- (run_rollups, agent_run_rollups, run_error_rollups, run_latency_rollups, agent_latency_rollups; db/schema.ts). The one formula of a
-- rollup: roll_up_queued_runs calls it for the runs finish_runs queued, rebuild_run_rollups
-- for every finished run, so a rebuild reproduces what was kept current. Playground runs and
-- runs still `running` are left out; the hour is the UTC hour of the run's end; a missing
-- version, organisation or key is the zero UUID.
create or replace function add_run_rollups(ids uuid[])
returns void
language sql
as $fn$
  with x as (
    select e.agent_id, coalesce(e.version_id, z.none) as version_id, coalesce(e.org_id, z.none) as org_id,
      coalesce(e.api_key_id, z.none) as api_key_id, date_trunc('hour', e.finished_at, 'UTC') as hour, e.status,
      coalesce(e.error_code, 'UNKNOWN') as error_code, e.credit_id is not null and not e.credit_refunded as charged,
      greatest(coalesce(e.duration_ms, 0), 0) as duration_ms, e.tokens_in, e.tokens_out
    from executions e, (select '00000000-0000-0000-0000-000000000000'::uuid as none) z
    where e.id = any(ids) and e.status <> 'running' and e.source <> 'playground' and e.finished_at is not null
  ), runs as (
    insert into run_rollups as r (agent_id, version_id, org_id, api_key_id, hour, runs, succeeded, failed, timed_out,
        credits_used, duration_ms_sum, tokens_in, tokens_out)
      select agent_id, version_id, org_id, api_key_id, hour, count(*),
        count(*) filter (where status = 'succeeded'), count(*) filter (where status = 'failed'),
        count(*) filter (where status = 'timed_out'), count(*) filter (where charged),
        sum(duration_ms), sum(tokens_in), sum(tokens_out)
      from x
      group by agent_id, version_id, org_id, api_key_id, hour
      order by agent_id, hour, version_id, org_id, api_key_id -- one lock order, so concurrent ends cannot deadlock
      on conflict (agent_id, hour, version_id, org_id, api_key_id) do update set
        runs = r.runs + excluded.runs, succeeded = r.succeeded + excluded.succeeded, failed = r.failed + excluded.failed,
        timed_out = r.timed_out + excluded.timed_out, credits_used = r.credits_used + excluded.credits_used,
        duration_ms_sum = r.duration_ms_sum + excluded.duration_ms_sum, tokens_in = r.tokens_in + excluded.tokens_in,
        tokens_out = r.tokens_out + excluded.tokens_out
  ), agent_runs as (
    insert into agent_run_rollups as r (agent_id, version_id, hour, runs, succeeded, failed, timed_out, credits_used,
        duration_ms_sum, tokens_in, tokens_out)
      select agent_id, version_id, hour, count(*),
        count(*) filter (where status = 'succeeded'), count(*) filter (where status = 'failed'),
        count(*) filter (where status = 'timed_out'), count(*) filter (where charged),
        sum(duration_ms), sum(tokens_in), sum(tokens_out)
      from x
      group by agent_id, version_id, hour
      order by agent_id, hour, version_id
      on conflict (agent_id, hour, version_id) do update set
        runs = r.runs + excluded.runs, succeeded = r.succeeded + excluded.succeeded, failed = r.failed + excluded.failed,
        timed_out = r.timed_out + excluded.timed_out, credits_used = r.credits_used + excluded.credits_used,
        duration_ms_sum = r.duration_ms_sum + excluded.duration_ms_sum, tokens_in = r.tokens_in + excluded.tokens_in,
        tokens_out = r.tokens_out + excluded.tokens_out
  ), errors as (
    insert into run_error_rollups as r (agent_id, version_id, org_id, hour, error_code, runs)
      select agent_id, version_id, org_id, hour, error_code, count(*)
      from x
      where status <> 'succeeded'
      group by agent_id, version_id, org_id, hour, error_code
      order by agent_id, hour, version_id, org_id, error_code
      on conflict (agent_id, hour, version_id, org_id, error_code) do update set runs = r.runs + excluded.runs
  ), latencies as (
    insert into run_latency_rollups as r (agent_id, version_id, org_id, hour, latency_ms, runs)
      select agent_id, version_id, org_id, hour, duration_ms, count(*)
      from x
      group by agent_id, version_id, org_id, hour, duration_ms
      order by agent_id, hour, version_id, org_id, duration_ms
      on conflict (agent_id, hour, version_id, org_id, latency_ms) do update set runs = r.runs + excluded.runs
  ), agent_latencies as (
    -- Two sorted histograms merged: the row stays as long as the hour's distinct latencies.
    insert into agent_latency_rollups as r (agent_id, version_id, hour, latency_ms, runs)
      select agent_id, version_id, hour, array_agg(duration_ms order by duration_ms), array_agg(n order by duration_ms)
      from (select agent_id, version_id, hour, duration_ms, count(*)::int as n from x group by 1, 2, 3, 4) l
      group by agent_id, version_id, hour
      order by agent_id, hour, version_id
      on conflict (agent_id, hour, version_id) do update set (latency_ms, runs) = (
        select array_agg(m.v order by m.v), array_agg(m.n order by m.v)
        from (
          select u.v, sum(u.n)::int as n
          from unnest(r.latency_ms || excluded.latency_ms, r.runs || excluded.runs) as u(v, n)
          group by u.v
        ) m)
  )
  select;
$fn$;
