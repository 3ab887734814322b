-- run_path_batch(auths, window_start, run_at, touched_before, starts, ends): one round trip
-- for everything the run path has waiting at once (lib/metering/run-path.ts): the ends of
-- finished runs (finish_runs), then API key look-ups (authenticate_api_keys), then new runs
-- (start_runs). It adds no rule of its own; each part is its function, in one transaction.
-- Rows: (kind 'finish' | 'auth' | 'start', the part's row as jsonb).
create or replace function run_path_batch(auths jsonb, window_start timestamptz, run_at timestamptz, touched_before timestamptz, starts jsonb, ends jsonb)
returns table (kind text, data jsonb)
language plpgsql
as $fn$
begin
  if jsonb_array_length(ends) > 0 then
    return query select 'finish'::text, to_jsonb(f.id) from finish_runs(ends) as f(id);
  end if;
  if jsonb_array_length(auths) > 0 then
    return query select 'auth'::text, to_jsonb(a) from authenticate_api_keys(auths, window_start, run_at, touched_before) a;
  end if;
  if jsonb_array_length(starts) > 0 then
    return query select 'start'::text, to_jsonb(s) from start_runs(starts, run_at) s;
  end if;
end
$fn$;
