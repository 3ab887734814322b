DROP INDEX "executions_user_id_idx";--> statement-breakpoint
DROP INDEX "executions_api_key_id_idx";--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "deadline_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "executions_user_created_idx" ON "executions" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "executions_running_deadline_idx" ON "executions" USING btree ("deadline_at") WHERE "executions"."status" = 'running';--> statement-breakpoint
CREATE INDEX "executions_api_key_created_idx" ON "executions" USING btree ("api_key_id","created_at");