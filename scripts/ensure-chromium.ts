/**
 * Makes sure the system Chromium that Playwright drives is installed (browsers cannot be
 * downloaded here; Debian's package can). Installs it with apt-get when running as root.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

if (existsSync(chromium)) {
  console.log(`[e2e] using ${chromium}`);
} else if (process.getuid?.() === 0) {
  console.log("[e2e] installing Debian's chromium package…");
  const run = (args: string[]) =>
    spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (run(["update", "-qq"]).status !== 0 || run(["install", "-y", "-qq", "chromium"]).status !== 0) {
    console.error("[e2e] could not install chromium with apt-get");
    process.exit(1);
  }
} else {
  console.error(
    `[e2e] ${chromium} is missing: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH.`,
  );
  process.exit(1);
}
