import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { firstLoad } from "../lib/build/first-load";
import { PRECACHE_BUDGET_BYTES } from "../lib/pwa/precache";
import { expect, test } from "./fixtures/test";

/**
 * Budgets read from the production build the e2e server runs (not timed): first-load
 * JavaScript of the public pages, and the service worker's precache.
 */
const FIRST_LOAD_BUDGET_BYTES = 180 * 1024;

const publicPages = [
  { url: "/", page: "(marketing)" },
  { url: "/agents", page: "agents" },
  { url: "/agents/csv-stats", page: "agents/[slug]" },
];

for (const { url, page } of publicPages) {
  test(`${url} loads at most 180 kB of gzipped JavaScript first, and no wallet code`, async ({ request }) => {
    const load = firstLoad(page);
    expect(load.scriptBytesGzipped, `first-load JS of ${url}`).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);
    // The build's manifest is what the page really asks for: every script tag it serves is counted.
    const html = await (await request.get(url)).text();
    // (The polyfills are `noModule`: no current browser runs them.)
    const served = [...html.matchAll(/<script[^>]+>/g)]
      .map((m) => m[0])
      .filter((tag) => !/nomodule/i.test(tag))
      .flatMap((tag) => /src="\/_next\/([^"?]+\.js)/.exec(tag)?.slice(1) ?? []);
    expect(served.length).toBeGreaterThan(0);
    for (const script of served) expect(load.scripts, `${script} served by ${url}`).toContain(script);
    // Wallet code (thirdweb, its connectors) comes only when a wallet is used.
    for (const script of load.scripts) {
      const text = readFileSync(path.join(".next", script), "utf8");
      expect(text.includes("thirdweb.com"), `${script} holds thirdweb`).toBe(false);
    }
  });
}

test("the service worker precaches the app shell within 2 MB, the offline page included and no API", async ({
  request,
}) => {
  const worker = await request.get("/serwist/sw.js");
  expect(worker.headers()["service-worker-allowed"]).toBe("/");
  const urls = [...(await worker.text()).matchAll(/url:"([^"]+)"/g)].map((m) => m[1]!);
  expect(urls).toContain("/offline");
  expect(urls.some((u) => u.endsWith(".css"))).toBe(true);
  expect(urls.filter((u) => u.startsWith("/api"))).toEqual([]);
  let bytes = 0;
  for (const url of urls) {
    if (url === "/offline") continue;
    const file = url.startsWith("/_next/") ? path.join(".next", url.slice("/_next/".length)) : path.join("public", url);
    bytes += statSync(file).size;
  }
  expect(bytes).toBeLessThanOrEqual(PRECACHE_BUDGET_BYTES);
  // The first-load scripts of the public pages are among them, so they open offline-fast.
  for (const script of firstLoad("(marketing)").scripts) expect(urls).toContain(`/_next/${script}`);
});
