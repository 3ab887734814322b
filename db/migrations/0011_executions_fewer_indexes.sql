-- A run inserts and finishes into fewer indexes: versions and credits are never deleted, so
-- their foreign keys need no index, and only playground runs are counted by user.
DROP INDEX "executions_version_id_idx";--> statement-breakpoint
DROP INDEX "executions_credit_id_idx";--> statement-breakpoint
DROP INDEX "executions_user_created_idx";--> statement-breakpoint
CREATE INDEX "executions_user_created_idx" ON "executions" USING btree ("user_id","created_at") WHERE "executions"."source" = 'playground';