CREATE TABLE "receipt_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agent_id" uuid NOT NULL,
	"chain_id" integer NOT NULL,
	"contract_address" text NOT NULL,
	"listing_id" numeric(78, 0) NOT NULL,
	"root" text NOT NULL,
	"runs" integer NOT NULL,
	"successes" integer NOT NULL,
	"p50_latency_ms" integer NOT NULL,
	"p99_latency_ms" integer NOT NULL,
	"tx_hash" text,
	"attested_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "receipt_batch_id" uuid;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "receipt_leaf_index" integer;--> statement-breakpoint
ALTER TABLE "receipt_batches" ADD CONSTRAINT "receipt_batches_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "receipt_batches_chain_listing_root_key" ON "receipt_batches" USING btree ("chain_id","listing_id","root");--> statement-breakpoint
CREATE INDEX "receipt_batches_agent_id_idx" ON "receipt_batches" USING btree ("agent_id");--> statement-breakpoint
CREATE INDEX "receipt_batches_pending_idx" ON "receipt_batches" USING btree ("attested_at");--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_receipt_batch_id_receipt_batches_id_fk" FOREIGN KEY ("receipt_batch_id") REFERENCES "public"."receipt_batches"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "executions_receipt_batch_idx" ON "executions" USING btree ("receipt_batch_id","receipt_leaf_index");