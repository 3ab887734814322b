import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, expect, test } from "vitest";
import { keepInPrecache } from "@/lib/pwa/precache";
import { firstLoad } from "./first-load";

const dist = mkdtempSync(path.join(tmpdir(), "first-load-"));
afterAll(() => rmSync(dist, { recursive: true, force: true }));

function write(file: string, text: string) {
  mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
  writeFileSync(path.join(dist, file), text);
}

// A build as Next 16 writes it: root scripts in build-manifest.json, each page's entries in
// its client reference manifest (a script that assigns globalThis.__RSC_MANIFEST).
write("build-manifest.json", JSON.stringify({ rootMainFiles: ["static/chunks/react.js", "static/chunks/next.js"] }));
const react = "r".repeat(5000) + Math.random().toString(36).repeat(400);
write("static/chunks/react.js", react);
write("static/chunks/next.js", "next runtime");
write("static/chunks/layout.js", "the layout's client components");
write("static/chunks/page.js", "the page's client components");
write("static/chunks/styles.css", "body{}");
write(
  "server/app/agents/[slug]/page_client-reference-manifest.js",
  `globalThis.__RSC_MANIFEST = (globalThis.__RSC_MANIFEST || {});
globalThis.__RSC_MANIFEST["/agents/[slug]/page"] = ${JSON.stringify({
    entryJSFiles: {
      "[project]/app/layout": ["static/chunks/layout.js"],
      "[project]/app/agents/[slug]/page": ["static/chunks/layout.js", "static/chunks/page.js"],
    },
    entryCSSFiles: { "[project]/app/layout": [{ path: "static/chunks/styles.css", inlined: false }] },
  })};`,
);

test("a page's first load is the root scripts plus its layouts' and page's entries, each counted once, gzipped", () => {
  const load = firstLoad("agents/[slug]", dist);
  expect(load.scripts.sort()).toEqual(
    ["static/chunks/layout.js", "static/chunks/next.js", "static/chunks/page.js", "static/chunks/react.js"].sort(),
  );
  expect(load.styles).toEqual(["static/chunks/styles.css"]);
  const expected = [react, "next runtime", "the layout's client components", "the page's client components"]
    .map((text) => gzipSync(text).length)
    .reduce((a, b) => a + b, 0);
  expect(load.scriptBytesGzipped).toBe(expected);
});

test("a page missing from the build is an error that says to build, not a zero", () => {
  expect(() => firstLoad("nowhere", dist)).toThrow(/run next build first/);
});

test("the precache keeps styles and the shell's scripts and drops every other script", () => {
  const shell = new Set(["static/chunks/react.js"]);
  expect(keepInPrecache(".next/static/chunks/react.js", shell)).toBe(true);
  expect(keepInPrecache(".next/static/chunks/thirdweb.js", shell)).toBe(false);
  expect(keepInPrecache(".next/static/chunks/styles.css", shell)).toBe(true);
  expect(keepInPrecache("public/icons/icon-192.png", shell)).toBe(true);
});
