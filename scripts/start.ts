/**
 * `npm start`: the whole product on one machine. Loads .env files, applies migrations
 * and seeds demo data, starts the local chain and deploys the contracts (unless a chain
 * is configured), builds the app when its sources changed since the last build, then
 * serves the production build.
 */
import nextEnv from "@next/env";
import { spawn } from "node:child_process";
import path from "node:path";
import { serverHookArgs } from "../lib/platform/server-hooks";
import { buildIfNeeded } from "./build-if-needed";

nextEnv.loadEnvConfig(process.cwd());
// next-auth reads NEXTAUTH_URL itself: follow APP_URL when only that is configured.
if (process.env.APP_URL && !process.env.NEXTAUTH_URL) process.env.NEXTAUTH_URL = process.env.APP_URL;

const root = process.cwd();
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const { prepareDatabase } = await import("./prepare-db");
const { prepareChain } = await import("./prepare-chain");
const { env } = await import("@/lib/env");

await prepareDatabase();
const localChain = await prepareChain();
buildIfNeeded();

const host = process.env.HOSTNAME || "0.0.0.0";
console.log(`[start] serving on http://localhost:${env.PORT}`);
const server = spawn(
  process.execPath,
  [
    // One trusted client address in X-Forwarded-For, client-sent X-Forwarded-Host/-Proto
    // dropped; the lean routes (live streams) answered before Next.
    ...serverHookArgs(root),
    nextBin,
    "start",
    "-p",
    String(env.PORT),
    "-H",
    host,
    "--keepAliveTimeout",
    String(env.KEEP_ALIVE_TIMEOUT_SECONDS * 1000),
  ],
  {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => server.kill(signal));
}
server.on("exit", async (code, signal) => {
  // anvil saves its state on exit, so the local chain survives restarts.
  await localChain?.stop();
  process.exit(code ?? (signal ? 1 : 0));
});
