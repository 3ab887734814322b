-- roll_up_queued_runs now also returns the agents that ran (the galaxy's pulses); a
-- function's result type cannot be replaced in place, so the old one goes and
-- db/functions/08_roll_up_queued_runs.sql creates the new one after the migrations.
drop function if exists roll_up_queued_runs(integer);
