/**
 * What a page of the production build downloads before it can run: the framework's root
 * scripts (`build-manifest.json`'s rootMainFiles) and the entry scripts and styles of the
 * page's layouts and page (its client reference manifest). Read from `.next`, so the
 * bundle budget test and the service worker's precache measure the build itself.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";

type ReferenceManifest = {
  entryJSFiles: Record<string, string[]>;
  entryCSSFiles: Record<string, { path: string }[]>;
};

export type FirstLoad = {
  /** Build-relative paths such as `static/chunks/abc.js`. */
  scripts: string[];
  styles: string[];
  /** The scripts' size gzipped (each file on its own, as a server sends it). */
  scriptBytesGzipped: number;
};

/**
 * `page` is the page's directory under app/ as the build names it, such as
 * `(marketing)`, `agents` or `agents/[slug]`.
 */
export function firstLoad(page: string, distDir = path.join(process.cwd(), ".next")): FirstLoad {
  const file = path.join(distDir, "server", "app", page, "page_client-reference-manifest.js");
  if (!existsSync(file)) throw new Error(`No production build of page "${page}" in ${distDir}: run next build first.`);
  const sandbox: { self: Record<string, unknown>; globalThis?: unknown } = { self: {} };
  sandbox.globalThis = sandbox.self;
  runInNewContext(readFileSync(file, "utf8"), sandbox);
  const manifests = (sandbox.self.__RSC_MANIFEST ?? {}) as Record<string, ReferenceManifest>;
  const manifest = Object.values(manifests)[0];
  if (!manifest) throw new Error(`The client reference manifest of "${page}" is empty.`);
  const build = JSON.parse(readFileSync(path.join(distDir, "build-manifest.json"), "utf8")) as {
    rootMainFiles: string[];
  };
  const scripts = new Set<string>(build.rootMainFiles);
  for (const files of Object.values(manifest.entryJSFiles)) files.forEach((f) => scripts.add(f));
  const styles = new Set<string>();
  for (const files of Object.values(manifest.entryCSSFiles)) files.forEach((f) => styles.add(f.path));
  let scriptBytesGzipped = 0;
  for (const script of scripts) scriptBytesGzipped += gzipSync(readFileSync(path.join(distDir, script))).length;
  return { scripts: [...scripts], styles: [...styles], scriptBytesGzipped };
}
