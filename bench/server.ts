import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { serverHookArgs } from "../lib/platform/server-hooks";

/**
 * Starts the production server (`next start`, built beforehand) on 127.0.0.1:`port` with
 * `env` on top of the benchmark's defaults (no seed data, no chain, no attestation timer),
 * and waits until /api/health answers. CPU_PROF_DIR=dir writes V8 CPU profiles there.
 */
export async function startServer(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const profile = process.env.CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.CPU_PROF_DIR}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      ...serverHookArgs(path.resolve(".")),
      path.join("node_modules", "next", "dist", "bin", "next"),
      "start",
      "-p",
      String(port),
      "-H",
      "127.0.0.1",
    ],
    {
      env: {
        ...process.env,
        ...env,
        NODE_ENV: "production",
        PORT: String(port),
        SEED_DEMO_DATA: "false",
        ATTEST_INTERVAL_SECONDS: "0",
        CHAIN_RPC_URL: "",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error("the server did not start");
}

/** Stops a server started by startServer and waits for it to exit. */
export async function stopServer(child: ChildProcess): Promise<void> {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

export function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
