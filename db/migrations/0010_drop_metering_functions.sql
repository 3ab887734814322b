-- The run path's PL/pgSQL functions now live in db/functions/ (one file each, applied by
-- db/migrate.ts after the migrations, every start). The functions of migrations 0006 and
-- 0008 are replaced by them; drop the old ones.
DROP FUNCTION IF EXISTS start_metered_runs(jsonb, timestamptz, timestamptz, timestamptz);--> statement-breakpoint
DROP FUNCTION IF EXISTS finish_executions(jsonb);
