import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildSync } from "esbuild";

const built = new Map<string, URL>();

/**
 * A worker thread's code as one plain JavaScript module: the TypeScript entry (relative to
 * the project root) and its local imports, bundled by esbuild once per process with
 * packages left as imports, and kept under node_modules/.cache by content hash. A worker
 * then starts by loading one small file, not by compiling TypeScript through a loader of
 * its own; the same code works under `next start`, `next dev`, tsx and Vitest.
 */
export function bundledWorkerModule(entry: string): URL {
  const cached = built.get(entry);
  if (cached) return cached;
  const root = process.cwd();
  const { outputFiles } = buildSync({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
  });
  const code = outputFiles[0]!.text;
  const dir = path.join(root, "node_modules", ".cache", "ai-nomads");
  const name = path.basename(entry).replace(/\.ts$/, "");
  const file = path.join(dir, `${name}-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    // Several processes may build it at once: each writes its own file, the rename is atomic.
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, code);
    renameSync(temporary, file);
  }
  const url = pathToFileURL(file);
  built.set(entry, url);
  return url;
}
