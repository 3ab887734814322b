-- roll_up_queued_runs(max_runs): moves up to max_runs queued runs (run_rollup_queue, filled
-- by finish_runs) into the rollups (add_run_rollups), in one transaction, so a run is rolled
-- up exactly once; instances running it at once take different rows (skip locked). Returns
-- a row with how many runs it rolled up, then one per (agent, its owner, buying
-- organisation) they concern: the live stream tells the owner and the organisation, the
-- galaxy pulses the agent.
create or replace function roll_up_queued_runs(max_runs integer)
returns table (runs integer, owner_id uuid, org_id uuid, agent_id uuid)
language plpgsql
as $fn$
declare
  ids uuid[];
begin
  with picked as (
    select q.execution_id from run_rollup_queue q order by q.execution_id limit max_runs for update skip locked
  ), gone as (
    delete from run_rollup_queue q using picked p where q.execution_id = p.execution_id returning q.execution_id
  )
  select coalesce(array_agg(gone.execution_id), '{}') into ids from gone;
  if cardinality(ids) = 0 then
    return;
  end if;
  perform add_run_rollups(ids);
  return query select cardinality(ids), null::uuid, null::uuid, null::uuid;
  return query
    select 0, t.owner_id, t.org_id, t.agent_id
    from (select distinct a.owner_id, e.org_id, e.agent_id from executions e join agents a on a.id = e.agent_id where e.id = any(ids)) t;
end
$fn$;
