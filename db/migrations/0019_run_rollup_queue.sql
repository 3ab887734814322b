CREATE TABLE "run_rollup_queue" (
	"execution_id" uuid PRIMARY KEY NOT NULL
);
