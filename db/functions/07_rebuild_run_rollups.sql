-- rebuild_run_rollups(): empties the rollups and adds every finished execution again,
-- through add_run_rollups, in id order and chunks. Takes the tables' locks first, so runs
-- ending meanwhile wait and are counted once. Returns how many executions it read.
create or replace function rebuild_run_rollups()
returns bigint
language plpgsql
as $fn$
declare
  chunk uuid[];
  last uuid := '00000000-0000-0000-0000-000000000000';
  total bigint := 0;
begin
  lock table run_rollups, agent_run_rollups, run_error_rollups, run_latency_rollups, agent_latency_rollups,
    run_rollup_queue
    in access exclusive mode;
  -- Every finished run is added below, the queued ones too.
  delete from run_rollup_queue;
  delete from run_rollups;
  delete from agent_run_rollups;
  delete from run_error_rollups;
  delete from run_latency_rollups;
  delete from agent_latency_rollups;
  loop
    select array_agg(id order by id) into chunk
    from (select id from executions where id > last order by id limit 10000) c;
    exit when chunk is null;
    perform add_run_rollups(chunk);
    total := total + cardinality(chunk);
    last := chunk[cardinality(chunk)];
  end loop;
  return total;
end
$fn$;
