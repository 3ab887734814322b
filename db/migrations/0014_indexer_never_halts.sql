CREATE TABLE "chain_event_quarantine" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"chain_id" integer NOT NULL,
	"contract_address" text NOT NULL,
	"event_name" text NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"block_number" bigint NOT NULL,
	"args" jsonb NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credits" ALTER COLUMN "granted" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "credits" ALTER COLUMN "used" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "purchases" ALTER COLUMN "runs" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "purchases" ADD COLUMN "block_hash" text;--> statement-breakpoint
CREATE UNIQUE INDEX "chain_event_quarantine_event_key" ON "chain_event_quarantine" USING btree ("chain_id","tx_hash","log_index");