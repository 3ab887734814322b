-- authenticate_api_keys(requests, window_start, run_at, touched_before): looks up a batch of
-- API requests' keys by hash and counts each request in its key's one-minute window (one
-- upsert per key, count + n; each request gets its own position), records last use at most
-- every 10 s, and drops the key's older windows when it opens a new one. Revoked keys come back with request_count
-- null and count nothing; unknown hashes come back with id null; a key whose creator an
-- operator suspended comes back with creator_suspended and counts nothing either. Whether a count is over the
-- key's limit is decided by the caller (lib/api/authenticate.ts, admit).
-- requests: [{ ord, key_hash }]
create or replace function authenticate_api_keys(requests jsonb, window_start timestamptz, run_at timestamptz, touched_before timestamptz)
returns table (
  ord integer, id uuid, org_id uuid, org_name text, name text, prefix text, agent_ids uuid[], rate_limit_per_minute integer,
  monthly_run_cap integer, pinned_version_id uuid, revoked_at timestamptz, request_count bigint, creator_suspended boolean)
language plpgsql
set plan_cache_mode = force_generic_plan
as $fn$
#variable_conflict use_column
begin
  return query
    with req as (
      select * from jsonb_to_recordset(requests) as r(ord integer, key_hash text)
    ), k as (
      select k.id, k.key_hash, k.org_id, k.name, k.prefix, k.agent_ids, k.rate_limit_per_minute, k.monthly_run_cap,
             k.pinned_version_id, k.revoked_at, o.name as org_name, (u.suspended_at is not null) as creator_suspended
      from api_keys k join organizations o on o.id = k.org_id
      left join users u on u.id = k.created_by
      where k.key_hash in (select key_hash from req)
    ), counted as (
      insert into rate_limit_windows as w (api_key_id, window_start, count)
      select k.id, authenticate_api_keys.window_start, count(*)::int
      from req join k on k.key_hash = req.key_hash
      where k.revoked_at is null and not k.creator_suspended
      group by k.id
      order by k.id
      on conflict (api_key_id, window_start) do update set count = w.count + excluded.count
      returning w.api_key_id, w.count, (w.xmax = 0) as opened
    ), pruned as (
      -- The batch that opens a key's window (inserted, not updated) drops its older ones.
      delete from rate_limit_windows w
      where w.api_key_id in (select api_key_id from counted where opened) and w.window_start < authenticate_api_keys.window_start
      returning w.api_key_id
    ), touched as (
      update api_keys ak set last_used_at = run_at
      where ak.id in (select k.id from k where k.revoked_at is null and not k.creator_suspended)
        and (ak.last_used_at is null or ak.last_used_at < touched_before)
      returning ak.id
    )
    select req.ord, k.id, k.org_id, k.org_name, k.name, k.prefix, k.agent_ids, k.rate_limit_per_minute, k.monthly_run_cap,
           k.pinned_version_id, k.revoked_at,
           c.count - count(*) over (partition by k.id) + row_number() over (partition by k.id order by req.ord) as request_count,
           coalesce(k.creator_suspended, false)
    from req
    left join k on k.key_hash = req.key_hash
    left join counted c on c.api_key_id = k.id
    order by req.ord;
end
$fn$;
