CREATE TABLE "agent_run_rollups" (
	"agent_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"runs" integer NOT NULL,
	"succeeded" integer NOT NULL,
	"failed" integer NOT NULL,
	"timed_out" integer NOT NULL,
	"credits_used" integer NOT NULL,
	"duration_ms_sum" bigint NOT NULL,
	"tokens_in" bigint NOT NULL,
	"tokens_out" bigint NOT NULL,
	CONSTRAINT "agent_run_rollups_agent_id_hour_version_id_pk" PRIMARY KEY("agent_id","hour","version_id")
);
--> statement-breakpoint
ALTER TABLE "agent_run_rollups" ADD CONSTRAINT "agent_run_rollups_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;