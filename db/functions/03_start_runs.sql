-- start_runs(requests, run_at): the one place an execution row is inserted, with what it
-- costs: for an API run one credit (and the checks that guard it), for a playground run the
-- user's quotas. A batch of requests is one statement; a single request is a batch of one.
-- Per request it answers an outcome:
--   started      the row is inserted (status running; `queued` when accepted asynchronously, until a
--                worker claims it) and, for an API run, its credit taken
--   replay       an earlier run has this Idempotency-Key and the same request: its id
--   conflict     an earlier run has this Idempotency-Key and a different request
--   duplicate    the same Idempotency-Key as an earlier request of this batch (first_ord): the caller answers as for that one
--   stale        the version is no longer the one the key runs (or the agent is unpublished or unlisted)
--   cap_reached  the key's monthly run cap is used up
--   no_credit    the organisation has no credit left for the agent
--   quota_running / quota_rate / quota_tokens   the playground user is over a quota
-- Rules, each written here once: idempotency (org, key), the version a key runs
-- (version_to_run), the monthly cap (runs this calendar month, UTC, not refunded), credits
-- (oldest grant first, never past what was granted), playground quotas (runs in flight,
-- runs in the last minute, model tokens in the last day), and when a charge reports credits.low.
-- requests: [{ ord, execution_id, source: 'api'|'playground', agent_id, version_id, input,
--   input_hash, cost_wei, deadline_at, key_id, org_id, pinned_version_id, monthly_run_cap,
--   idempotency_key, request_hash, user_id, max_running, max_per_minute, max_tokens_per_day, queued,
--   request_id, needs_lock: true when the request has an Idempotency-Key, a capped key or is a playground run }]
create or replace function start_runs(requests jsonb, run_at timestamptz)
returns table (ord integer, outcome text, execution_id uuid, started_at timestamptz, credit_id uuid, first_ord integer)
language plpgsql
set plan_cache_mode = force_generic_plan
as $fn$
#variable_conflict use_column
begin
  -- Serialise what concurrent statements (other batches, other app instances) could both
  -- pass: one Idempotency-Key, one capped key's count, one user's quotas. Sorted, so two
  -- statements never wait on each other in opposite orders.
  -- (Only when a request needs it: most batches are API runs without either.)
  if requests @> '[{"needs_lock": true}]' then
    perform pg_advisory_xact_lock(hashtextextended(r.org_id::text || ':' || r.idempotency_key, 0))
    from (select distinct x.org_id, x.idempotency_key from jsonb_to_recordset(requests) as x(org_id uuid, idempotency_key text)
          where x.idempotency_key is not null order by 1, 2) r;
    perform 1 from api_keys k
    where k.id in (select x.key_id from jsonb_to_recordset(requests) as x(key_id uuid, monthly_run_cap integer) where x.monthly_run_cap is not null)
    order by k.id for update;
    perform 1 from users u
    where u.id in (select x.user_id from jsonb_to_recordset(requests) as x(user_id uuid, source text) where x.source = 'playground')
    order by u.id for update;
  end if;

  -- A new snapshot: what the statements holding those locks committed is seen here.
  return query
    with req as (
      select r.*,
             row_number() over (partition by coalesce(r.key_id, r.user_id) order by r.ord) as rk,
             first_value(r.ord) over (partition by r.org_id, r.idempotency_key order by r.ord) as first_of_key
      from jsonb_to_recordset(requests) as r(
        ord integer, execution_id uuid, source text, agent_id uuid, version_id uuid, input jsonb, input_hash text,
        cost_wei numeric, deadline_at timestamptz, key_id uuid, org_id uuid, pinned_version_id uuid, monthly_run_cap integer,
        idempotency_key text, request_hash text, user_id uuid, max_running integer, max_per_minute integer,
        max_tokens_per_day bigint, queued boolean, request_id text)
    ), checked as (
      select r.*,
        case
          when r.idempotency_key is not null and e.id is not null then
            case when e.request_hash = r.request_hash then 'replay' else 'conflict' end
          when r.idempotency_key is not null and r.first_of_key <> r.ord then 'duplicate'
          when r.source = 'api' and not exists (
            select 1 from agents a
            where a.id = r.agent_id and a.status = 'published' and a.unlisted_at is null
              and version_to_run(r.pinned_version_id, a.id, a.current_version_id) = r.version_id) then 'stale'
          when r.monthly_run_cap is not null and r.rk + (
            select count(*) from executions x
            where x.api_key_id = r.key_id and x.created_at >= date_trunc('month', run_at, 'UTC') and not x.credit_refunded
          ) > r.monthly_run_cap then 'cap_reached'
          when r.source = 'playground' and r.rk + (
            -- A run older than an hour is past any deadline (the reaper ends it): the index range stays short.
            select count(*) from executions x
            where x.user_id = r.user_id and x.created_at > run_at - interval '1 hour' and x.source = 'playground' and x.status = 'running'
          ) > r.max_running then 'quota_running'
          when r.source = 'playground' and r.rk + (
            select count(*) from executions x
            where x.user_id = r.user_id and x.source = 'playground' and x.created_at > run_at - interval '1 minute'
          ) > r.max_per_minute then 'quota_rate'
          when r.source = 'playground' and (
            select coalesce(sum(x.tokens_in + x.tokens_out), 0) from executions x
            where x.user_id = r.user_id and x.source = 'playground' and x.created_at > run_at - interval '1 day'
          ) >= r.max_tokens_per_day then 'quota_tokens'
          else 'go'
        end as verdict,
        e.id as earlier_id
      from req r
      -- A lateral look-up per request (the unique index on org and key), only for requests
      -- that carry a key: a join here would be planned once, generically, as a scan.
      left join lateral (
        select x.id, x.request_hash from executions x
        where r.idempotency_key is not null and x.org_id = r.org_id and x.idempotency_key = r.idempotency_key
        limit 1
      ) e on true
    ), want as (
      select distinct c.org_id, c.agent_id from checked c where c.verdict = 'go' and c.source = 'api'
    ), locked as (
      -- Every open grant of the organisation for the agent, locked; a grant drained meanwhile
      -- by another statement is re-checked after the wait and left out.
      select g.id, g.org_id, g.agent_id, g.created_at, g.granted - g.used as open_runs
      from credits g
      where (g.org_id, g.agent_id) in (select w.org_id, w.agent_id from want w) and g.used < g.granted
      order by g.org_id, g.agent_id, g.created_at, g.id
      for update
    ), grants as (
      select l.*, sum(l.open_runs) over (partition by l.org_id, l.agent_id order by l.created_at, l.id) as upto
      from locked l
    ), paying as (
      select c.ord, c.org_id, c.agent_id, row_number() over (partition by c.org_id, c.agent_id order by c.ord) as n
      from checked c where c.verdict = 'go' and c.source = 'api'
    ), assigned as (
      -- The n-th paying request of an (organisation, agent) takes the grant whose open runs cover n, oldest first.
      select p.ord, g.id as credit_id
      from paying p
      join grants g on g.org_id = p.org_id and g.agent_id = p.agent_id and p.n > g.upto - g.open_runs and p.n <= g.upto
    ), taken as (
      update credits c set used = c.used + t.n, updated_at = run_at
      from (select a.credit_id, count(*)::int as n from assigned a group by a.credit_id) t
      where c.id = t.credit_id
      returning c.id
    ), inserted as (
      insert into executions as e (id, agent_id, version_id, source, user_id, org_id, api_key_id, credit_id, idempotency_key,
                                   request_hash, status, queued, request_id, input, input_hash, cost_wei, started_at,
                                   deadline_at)
      select c.execution_id, c.agent_id, c.version_id, c.source::execution_source, c.user_id, c.org_id, c.key_id, a.credit_id,
             c.idempotency_key, c.request_hash, 'running', coalesce(c.queued, false), c.request_id, c.input, c.input_hash,
             c.cost_wei, run_at, c.deadline_at
      from checked c
      left join assigned a on a.ord = c.ord
      where c.verdict = 'go' and (c.source <> 'api' or a.credit_id is not null)
      returning e.id, e.started_at, e.credit_id
    )
    select c.ord,
           case when c.verdict = 'go' then case when i.id is null then 'no_credit' else 'started' end else c.verdict end,
           coalesce(i.id, c.earlier_id), i.started_at, i.credit_id,
           case when c.verdict = 'duplicate' then c.first_of_key end
    from checked c
    left join inserted i on i.id = c.execution_id
    order by c.ord;
  -- credits.low: the charges of this statement took an organisation's runs left on an agent
  -- from above a tenth of what it bought (rounded down) to at or below it; reported to its
  -- webhooks (webhook_fan_out), at most once per crossing. Only looked at when an
  -- organisation of the batch has an endpoint for it.
  if exists (select 1 from webhook_endpoints w
             where w.disabled_at is null and 'credits.low' = any(w.events)
               and w.org_id in (select x.org_id from jsonb_to_recordset(requests) as x(org_id uuid, source text)
                                where x.source = 'api')) then
    perform webhook_fan_out(jsonb_agg(jsonb_build_object(
      'org_id', t.org_id, 'type', 'credits.low', 'at', run_at,
      'data', jsonb_build_object('agentId', t.agent_id, 'agentSlug', a.slug, 'runsLeft', t.runs_left,
                                 'runsBought', t.runs_bought))))
    from (
      select n.org_id, n.agent_id, n.charged, b.runs_left, b.runs_bought
      from (select e.org_id, e.agent_id, count(*)::int as charged
            from executions e
            where e.id in (select x.execution_id from jsonb_to_recordset(requests) as x(execution_id uuid))
              and e.credit_id is not null
            group by e.org_id, e.agent_id) n
      cross join lateral (
        select sum(g.granted - g.used)::int as runs_left, sum(g.granted)::int as runs_bought
        from credits g where g.org_id = n.org_id and g.agent_id = n.agent_id
      ) b
    ) t
    join agents a on a.id = t.agent_id
    where t.runs_left <= t.runs_bought / 10 and t.runs_left + t.charged > t.runs_bought / 10
    having count(*) > 0;
  end if;
end
$fn$;
