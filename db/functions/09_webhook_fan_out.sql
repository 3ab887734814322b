-- webhook_fan_out(events): the one place webhook deliveries are created for events, in the
-- transaction of the change they report (finish_runs, start_runs, granting a purchase's
-- credits), so an event is never lost. One delivery per event and enabled endpoint of the
-- event's organisation subscribed to its type; the payload is Standard Webhooks' shape,
-- { type, timestamp, data }. The queue relay (lib/webhooks/relay.ts) sends them. Returns how
-- many deliveries were created.
-- events: [{ org_id, type, data, at }]
create or replace function webhook_fan_out(events jsonb)
returns integer
language sql
as $fn$
  with ev as (
    select * from jsonb_to_recordset(events) as x(org_id uuid, type text, data jsonb, at timestamptz)
  ), created as (
    insert into webhook_deliveries (endpoint_id, org_id, event_type, payload, next_attempt_at)
    select w.id, w.org_id, ev.type,
           jsonb_build_object('type', ev.type,
                              'timestamp', to_char(ev.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                              'data', ev.data),
           now()
    from ev
    join webhook_endpoints w on w.org_id = ev.org_id and w.disabled_at is null and ev.type = any(w.events)
    returning 1
  )
  select count(*)::int from created
$fn$;
