CREATE TABLE "chain_cursors" (
	"chain_id" integer NOT NULL,
	"contract_address" text NOT NULL,
	"last_block" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chain_cursors_chain_id_contract_address_pk" PRIMARY KEY("chain_id","contract_address")
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "listing_id" numeric(78, 0);--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "listing_chain_id" integer;--> statement-breakpoint
CREATE UNIQUE INDEX "agents_listing_key" ON "agents" USING btree ("listing_chain_id","listing_id");