-- finish_runs(ends): records the end state of a batch of executions and applies the refund
-- policy in the same statement: a run ending with `refund` (a platform failure, decided by
-- lib/metering/refund-policy.ts) gets its credit back. Only rows still `running` move, so an
-- end is recorded, and a credit refunded, at most once; the runs that moved, but for
-- playground runs, are queued for the dashboard rollups (run_rollup_queue, rolled up by
-- roll_up_queued_runs). Returns the ids that moved.
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
    returning e.id, e.credit_id, e.credit_refunded, e.source
  ), refunded as (
    update credits c set used = c.used - r.n, updated_at = now()
    from (select m.credit_id, count(*)::int as n from moved m where m.credit_refunded group by m.credit_id) r
    where c.id = r.credit_id
    returning c.id
  )
  select coalesce(array_agg(m.id), '{}'), coalesce(array_agg(m.id) filter (where m.source <> 'playground'), '{}')
    into moved_ids, rolled_ids
    from moved m;
  if cardinality(rolled_ids) > 0 then
    insert into run_rollup_queue (execution_id) select unnest(rolled_ids) on conflict do nothing;
  end if;
  return query select unnest(moved_ids);
end
$fn$;
