-- finish_runs(ends): records the end state of a batch of executions and applies the refund
-- policy in the same statement: a run ending with `refund` (a platform failure, decided by
-- lib/metering/refund-policy.ts) gets its credit back. Only rows still `running` move, so an
-- end is recorded, and a credit refunded, at most once; the runs that moved, but for
-- playground runs, are queued for the dashboard rollups (run_rollup_queue, rolled up by
-- roll_up_queued_runs), and API runs are reported to their organisation's webhooks
-- (run.succeeded, or run.failed for failed and timed-out runs; webhook_fan_out). Returns the
-- ids that moved.
-- ends: [{ id, status, output, output_hash, steps, error_code, error_message, tokens_in,
--   tokens_out, duration_ms, receipt_hash, finished_at, refund }]
create or replace function finish_runs(ends jsonb)
returns setof uuid
language plpgsql
set plan_cache_mode = force_generic_plan
as $fn$
declare
  moved_ids uuid[];
  rolled_ids uuid[];
  events jsonb;
begin
  with v as (
    select * from jsonb_to_recordset(ends) as v(
      id uuid, status text, output jsonb, output_hash text, steps jsonb, error_code text, error_message text,
      tokens_in integer, tokens_out integer, duration_ms integer, receipt_hash text, finished_at timestamptz, refund boolean)
  ), moved as (
    update executions e set
      status = v.status::execution_status, output = v.output, output_hash = v.output_hash, steps = v.steps,
      error_code = v.error_code, error_message = v.error_message, tokens_in = v.tokens_in, tokens_out = v.tokens_out,
      duration_ms = v.duration_ms, receipt_hash = v.receipt_hash, finished_at = v.finished_at,
      credit_refunded = v.refund and e.credit_id is not null
    from v
    where e.id = v.id and e.status = 'running'
    returning e.id, e.credit_id, e.credit_refunded, e.source, e.org_id, e.agent_id, e.status, e.error_code,
              e.duration_ms, e.receipt_hash, e.finished_at
  ), refunded as (
    update credits c set used = c.used - r.n, updated_at = now()
    from (select m.credit_id, count(*)::int as n from moved m where m.credit_refunded group by m.credit_id) r
    where c.id = r.credit_id
    returning c.id
  )
  , reported as (
    -- Only runs whose organisation has an endpoint for the event (most have none).
    select m.*, case when m.status = 'succeeded' then 'run.succeeded' else 'run.failed' end as type
    from moved m
    where m.source = 'api' and m.org_id is not null
      and exists (select 1 from webhook_endpoints w
                  where w.org_id = m.org_id and w.disabled_at is null
                    and (case when m.status = 'succeeded' then 'run.succeeded' else 'run.failed' end) = any(w.events))
  )
  select coalesce(array_agg(m.id), '{}'), coalesce(array_agg(m.id) filter (where m.source <> 'playground'), '{}'),
         (select jsonb_agg(jsonb_build_object(
            'org_id', r.org_id, 'type', r.type, 'at', r.finished_at,
            'data', jsonb_build_object(
              'executionId', r.id, 'agentId', r.agent_id, 'agentSlug', a.slug, 'status', r.status,
              'errorCode', r.error_code, 'creditRefunded', r.credit_refunded, 'durationMs', r.duration_ms,
              'receiptHash', r.receipt_hash, 'finishedAt', r.finished_at, 'url', '/api/v1/runs/' || r.id)))
          from reported r join agents a on a.id = r.agent_id)
    into moved_ids, rolled_ids, events
    from moved m;
  if cardinality(rolled_ids) > 0 then
    insert into run_rollup_queue (execution_id) select unnest(rolled_ids) on conflict do nothing;
  end if;
  if events is not null then
    perform webhook_fan_out(events);
  end if;
  return query select unnest(moved_ids);
end
$fn$;
