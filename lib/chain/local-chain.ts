import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** Anvil's binary from the @foundry-rs/anvil platform package (no download needed). */
export function anvilBinary(): string {
  const os = process.platform === "win32" ? "win32" : process.platform;
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  try {
    const pkg = createRequire(path.join(process.cwd(), "package.json")).resolve(
      `@foundry-rs/anvil-${os}-${arch}/package.json`,
    );
    const bin = path.join(path.dirname(pkg), "bin", os === "win32" ? "anvil.exe" : "anvil");
    if (existsSync(bin)) return bin;
  } catch {
    // fall through to PATH
  }
  return "anvil";
}

async function rpcReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

export type LocalChain = { rpcUrl: string; process: ChildProcess; stop(): Promise<void> };

/**
 * Starts anvil on loopback. With `stateFile`, the chain is loaded from and saved to that
 * file (every few seconds and on exit), so balances and contracts survive restarts.
 */
export async function startAnvil(options: { port: number; chainId: number; stateFile?: string }): Promise<LocalChain> {
  const rpcUrl = `http://127.0.0.1:${options.port}`;
  if (await rpcReady(rpcUrl))
    throw new Error(`Port ${options.port} already answers JSON-RPC; set ANVIL_PORT to a free port.`);
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--chain-id",
    String(options.chainId),
    "--silent",
  ];
  if (options.stateFile) {
    mkdirSync(path.dirname(options.stateFile), { recursive: true });
    args.push("--state", options.stateFile, "--state-interval", "5");
  }
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}`);
    if (await rpcReady(rpcUrl)) {
      return {
        rpcUrl,
        process: child,
        async stop() {
          if (child.exitCode === null) child.kill("SIGTERM");
          await exited;
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("anvil did not start within 10 s");
}
