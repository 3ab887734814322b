-- version_to_run(pinned, agent_id, current_version_id): the version an API key runs of an
-- agent: its pinned version when that version belongs to the agent, else the agent's
-- current version. The one place this rule is written: the API's look-up of what to run
-- (db/queries/runs.ts) and start_runs, which re-checks it when it charges, both call it.
create or replace function version_to_run(pinned uuid, agent uuid, current_version uuid)
returns uuid
language sql
stable
as $fn$
  select coalesce((select v.id from agent_versions v where v.id = pinned and v.agent_id = agent), current_version)
$fn$;
