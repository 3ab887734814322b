/** Builds the Next.js app when its sources changed since the last build (shared by npm start and the API benchmark). */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = process.cwd();
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const fingerprintFile = path.join(root, ".next", "source-fingerprint");
const sourceDirs = ["app", "components", "lib", "db", "public", "types"];
const sourceFiles = [
  "instrumentation.ts",
  "proxy.ts",
  "next.config.ts",
  "tailwind.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (!entry.name.endsWith(".test.ts")) out.push(full);
  }
}

/** A hash over every file the build reads, so a stale build is never served. */
function sourceFingerprint(): string {
  const files: string[] = [];
  for (const dir of sourceDirs) walk(path.join(root, dir), files);
  for (const file of sourceFiles) if (existsSync(path.join(root, file))) files.push(path.join(root, file));
  const hash = createHash("sha256");
  for (const file of files.sort()) {
    hash.update(path.relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

export function buildIfNeeded(): void {
  const fingerprint = sourceFingerprint();
  const built = existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(fingerprintFile);
  if (built && readFileSync(fingerprintFile, "utf8") === fingerprint) {
    console.log("[start] build is current");
    return;
  }
  console.log("[start] building the app (first start or sources changed)…");
  const result = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: process.env });
  if (result.status !== 0) {
    console.error("[start] build failed");
    process.exit(result.status ?? 1);
  }
  writeFileSync(fingerprintFile, fingerprint);
  statSync(fingerprintFile);
}
