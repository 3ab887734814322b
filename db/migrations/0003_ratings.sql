CREATE TABLE "ratings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"chain_id" integer NOT NULL,
	"tx_hash" text NOT NULL,
	"log_index" integer NOT NULL,
	"block_number" bigint NOT NULL,
	"listing_id" numeric(78, 0) NOT NULL,
	"onchain_purchase_id" numeric(78, 0) NOT NULL,
	"agent_id" uuid,
	"rater_address" text NOT NULL,
	"score" integer NOT NULL,
	"review" text,
	"reviewer_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ratings_score_range" CHECK ("ratings"."score" between 1 and 5),
	CONSTRAINT "ratings_review_length" CHECK ("ratings"."review" is null or char_length("ratings"."review") <= 1000)
);
--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_reviewer_user_id_users_id_fk" FOREIGN KEY ("reviewer_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ratings_chain_tx_log_key" ON "ratings" USING btree ("chain_id","tx_hash","log_index");--> statement-breakpoint
CREATE UNIQUE INDEX "ratings_chain_purchase_key" ON "ratings" USING btree ("chain_id","onchain_purchase_id");--> statement-breakpoint
CREATE INDEX "ratings_agent_id_idx" ON "ratings" USING btree ("agent_id");--> statement-breakpoint
CREATE INDEX "ratings_reviewer_user_id_idx" ON "ratings" USING btree ("reviewer_user_id");