CREATE TABLE "agent_latency_rollups" (
	"agent_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"latency_ms" integer[] NOT NULL,
	"runs" integer[] NOT NULL,
	CONSTRAINT "agent_latency_rollups_agent_id_hour_version_id_pk" PRIMARY KEY("agent_id","hour","version_id")
);
--> statement-breakpoint
ALTER TABLE "agent_latency_rollups" ADD CONSTRAINT "agent_latency_rollups_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Existing rollups, summed over organisations (runs still queued are added by the next pass).
INSERT INTO "agent_latency_rollups" ("agent_id", "version_id", "hour", "latency_ms", "runs")
SELECT "agent_id", "version_id", "hour", array_agg("latency_ms" ORDER BY "latency_ms"), array_agg("runs" ORDER BY "latency_ms")
FROM (
  SELECT "agent_id", "version_id", "hour", "latency_ms", sum("runs")::int AS "runs"
  FROM "run_latency_rollups"
  GROUP BY 1, 2, 3, 4
) s
GROUP BY 1, 2, 3;
