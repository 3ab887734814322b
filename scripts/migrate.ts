import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd());
const { prepareDatabase } = await import("./prepare-db");
await prepareDatabase();
