CREATE TABLE "run_error_rollups" (
	"agent_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"error_code" text NOT NULL,
	"runs" integer NOT NULL,
	CONSTRAINT "run_error_rollups_agent_id_hour_version_id_org_id_error_code_pk" PRIMARY KEY("agent_id","hour","version_id","org_id","error_code")
);
--> statement-breakpoint
CREATE TABLE "run_latency_rollups" (
	"agent_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"latency_ms" integer NOT NULL,
	"runs" integer NOT NULL,
	CONSTRAINT "run_latency_rollups_agent_id_hour_version_id_org_id_latency_ms_pk" PRIMARY KEY("agent_id","hour","version_id","org_id","latency_ms")
);
--> statement-breakpoint
CREATE TABLE "run_rollups" (
	"agent_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"api_key_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"runs" integer NOT NULL,
	"succeeded" integer NOT NULL,
	"failed" integer NOT NULL,
	"timed_out" integer NOT NULL,
	"credits_used" integer NOT NULL,
	"duration_ms_sum" bigint NOT NULL,
	"tokens_in" bigint NOT NULL,
	"tokens_out" bigint NOT NULL,
	CONSTRAINT "run_rollups_agent_id_hour_version_id_org_id_api_key_id_pk" PRIMARY KEY("agent_id","hour","version_id","org_id","api_key_id")
);
--> statement-breakpoint
ALTER TABLE "run_error_rollups" ADD CONSTRAINT "run_error_rollups_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_latency_rollups" ADD CONSTRAINT "run_latency_rollups_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_rollups" ADD CONSTRAINT "run_rollups_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "run_error_rollups_org_hour_idx" ON "run_error_rollups" USING btree ("org_id","hour");--> statement-breakpoint
CREATE INDEX "run_latency_rollups_org_hour_idx" ON "run_latency_rollups" USING btree ("org_id","hour");--> statement-breakpoint
CREATE INDEX "run_rollups_org_hour_idx" ON "run_rollups" USING btree ("org_id","hour");