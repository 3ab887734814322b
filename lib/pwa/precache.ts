/**
 * What the service worker precaches: the app shell's styles and fonts, the icons, the
 * offline page, and the first-load scripts of the public pages and of the pages readable
 * offline. Other hashed scripts are cached the first time a page uses them. The
 * precache budget test (`lib/pwa/precache.test.ts`) keeps the total within 2 MB.
 */
import path from "node:path";
import { firstLoad } from "@/lib/build/first-load";

/** Globs relative to the project directory. */
export const PRECACHE_GLOBS = [".next/static/**/*.{css,woff2,js}", "public/icons/*.{png,svg}", "public/favicon.ico"];

export const PRECACHE_IGNORES = ["**/*.map", "**/node_modules/**"];

/** No single file above this is precached. */
export const PRECACHE_MAX_FILE_BYTES = 1024 * 1024;

/** The precache budget, in bytes. */
export const PRECACHE_BUDGET_BYTES = 2 * 1024 * 1024;

/** Pages (as the build names their directories) whose first-load scripts are precached. */
export const SHELL_PAGES = ["offline", "(marketing)", "agents", "agents/[slug]", "(app)/dashboard", "(app)/payouts"];

/** Build-relative paths (`static/chunks/…`) of the scripts the shell pages load first. */
export function shellScripts(distDir = path.join(process.cwd(), ".next")): Set<string> {
  const scripts = new Set<string>();
  for (const page of SHELL_PAGES) firstLoad(page, distDir).scripts.forEach((s) => scripts.add(s));
  return scripts;
}

/** Whether a precache candidate (a path relative to the project, such as `.next/static/chunks/a.js`) stays. */
export function keepInPrecache(file: string, shell: Set<string>): boolean {
  if (!file.endsWith(".js")) return true;
  return shell.has(file.replace(/^\.next\//, ""));
}
