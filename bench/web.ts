/**
 * Public page speed: builds if needed, runs the product as `npm start` does (production
 * build, embedded database, local chain, demo data) and runs Lighthouse 12.2.3 (mobile
 * emulation, simulated throttling: its defaults) RUNS times per page, rounds interleaved,
 * on Debian's Chromium. Pages: the marketplace home, the agent list, a demo agent's page,
 * a signed-in creator's studio editor, and a bare static page served by the same server in
 * the same run (the floor: what this machine scores for a page with no app at all).
 * Prints the median of each score, LCP, TBT and transferred JavaScript per page, and each
 * target: performance, accessibility and best practices ≥ 95 on the public pages (studio:
 * performance ≥ 90, the others ≥ 95), and ≤ 180 kB of first-load JavaScript (gzipped, read
 * from the build) on the public pages.
 *
 *   npm run bench:web          (RUNS=3 by default; CHROMIUM_PATH to use another browser)
 */
import nextEnv from "@next/env";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium as playwright } from "@playwright/test";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { firstLoad } from "../lib/build/first-load";
import { serverHookArgs } from "../lib/platform/server-hooks";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { median, stopServer } from "./server";

const RUNS = Number(process.env.RUNS ?? 3);
const PORT = 3950 + Math.floor(Math.random() * 40);
const ANVIL_PORT = 8850 + Math.floor(Math.random() * 40);
const ORIGIN = `http://localhost:${PORT}`;
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const BARE_FILE = path.join("public", "bench-bare.html");
const FIRST_LOAD_BUDGET_KB = 180;

type Page = { name: string; path: string; build?: string; signedIn?: boolean; perfTarget?: number };
type Result = {
  performance: number;
  accessibility: number;
  bestPractices: number;
  lcp: number;
  tbt: number;
  jsKb: number;
  /** Accessibility and best-practice audits that lost points. */
  failing: string[];
};

const BARE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bare page</title><meta name="description" content="A static page with no application code."></head>
<body><main><h1>Bare page</h1><p>A static page served by the same server, with no application code.</p></main></body></html>
`;

/**
 * The product as `npm start` runs it (database with demo data, local chain with the
 * contracts, the production build behind the same server hooks), with the bare page put
 * into public/ after the build, so it is served as a static file like the icons.
 */
async function startProduct(dataDir: string): Promise<ChildProcess> {
  Object.assign(process.env, {
    PORT: String(PORT),
    ANVIL_PORT: String(ANVIL_PORT),
    DATA_DIR: dataDir,
    SEED_DEMO_DATA: "true",
    NEXT_TELEMETRY_DISABLED: "1",
  });
  nextEnv.loadEnvConfig(process.cwd());
  const { prepareDatabase } = await import("../scripts/prepare-db");
  const { prepareChain } = await import("../scripts/prepare-chain");
  await prepareDatabase();
  chain = await prepareChain();
  buildIfNeeded();
  writeFileSync(BARE_FILE, BARE_HTML);
  const child = spawn(
    process.execPath,
    [
      ...serverHookArgs(process.cwd()),
      path.join("node_modules", "next", "dist", "bin", "next"),
      "start",
      "-p",
      String(PORT),
    ],
    { env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "ignore", "inherit"] },
  );
  for (let i = 0; i < 900; i++) {
    const ok = await fetch(`${ORIGIN}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the product did not start");
}

/** Signs a creator up in a browser, creates a draft agent, and returns the session cookie and the editor's path. */
async function signedInStudio(): Promise<{ cookie: string; path: string }> {
  const browser = await playwright.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ baseURL: ORIGIN });
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill("Bench Creator");
    await page.getByLabel("Email").fill(`bench-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill("a long bench password");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("button", { name: "Account menu" }).waitFor();
    await page.goto("/studio");
    await page.getByRole("button", { name: "New agent" }).click();
    const dialog = page.getByRole("dialog", { name: "New agent" });
    await dialog.getByLabel("Name").fill("Bench Agent");
    await dialog.getByLabel("Description").fill("An agent the page-speed benchmark edits.");
    await dialog.getByLabel("Category").selectOption({ index: 1 });
    await dialog.getByRole("button", { name: "Create draft" }).click();
    const link = page.getByRole("list", { name: "Your agents" }).getByRole("link", { name: "Bench Agent" });
    const href = await link.getAttribute("href");
    if (!href) throw new Error("the draft has no studio link");
    const cookies = await page.context().cookies(ORIGIN);
    return { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "), path: href };
  } finally {
    await browser.close();
  }
}

async function audit(port: number, url: string, cookie?: string): Promise<Result> {
  const result = await lighthouse(url, {
    port,
    output: "json",
    logLevel: "error",
    onlyCategories: ["performance", "accessibility", "best-practices"],
    ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
  });
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { categories, audits } = result.lhr;
  if (result.lhr.runtimeError) throw new Error(`${url}: ${result.lhr.runtimeError.message}`);
  const summary = (audits["resource-summary"]?.details as { items?: { resourceType: string; transferSize: number }[] })
    ?.items;
  const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
  const failing = ["accessibility", "best-practices"].flatMap((category) =>
    (categories[category]?.auditRefs ?? [])
      .filter((ref) => ref.weight > 0 && (audits[ref.id]?.score ?? 1) < 1)
      .map((ref) => `${category}: ${ref.id}`),
  );
  return {
    performance: score("performance"),
    accessibility: score("accessibility"),
    bestPractices: score("best-practices"),
    lcp: audits["largest-contentful-paint"]?.numericValue ?? Number.NaN,
    tbt: audits["total-blocking-time"]?.numericValue ?? Number.NaN,
    jsKb: (summary?.find((i) => i.resourceType === "script")?.transferSize ?? 0) / 1024,
    failing,
  };
}

const dataDir = mkdtempSync(path.join(tmpdir(), "bench-web-"));
let product: ChildProcess | undefined;
let chain = null as { stop(): Promise<void> } | null;
let chrome: chromeLauncher.LaunchedChrome | undefined;
try {
  product = await startProduct(dataDir);
  const studio = await signedInStudio();
  const pages: Page[] = [
    { name: "bare static page", path: "/bench-bare.html" },
    { name: "/", path: "/", build: "(marketing)" },
    { name: "/agents", path: "/agents", build: "agents" },
    { name: "/agents/csv-stats", path: "/agents/csv-stats", build: "agents/[slug]" },
    { name: "studio editor (signed in)", path: studio.path, signedIn: true, perfTarget: 90 },
  ];
  chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const results = new Map<string, Result[]>(pages.map((p) => [p.name, []]));
  for (let round = 1; round <= RUNS; round++) {
    for (const page of pages) {
      const r = await audit(chrome.port, `${ORIGIN}${page.path}`, page.signedIn ? studio.cookie : undefined);
      results.get(page.name)!.push(r);
      console.error(`round ${round}/${RUNS} ${page.name}: performance ${r.performance}, TBT ${Math.round(r.tbt)} ms`);
    }
  }

  const rows: string[][] = [];
  const targets: string[] = [];
  for (const page of pages) {
    const rs = results.get(page.name)!;
    const m = (pick: (r: Result) => number) => median(rs.map(pick));
    const med = {
      performance: m((r) => r.performance),
      accessibility: m((r) => r.accessibility),
      bestPractices: m((r) => r.bestPractices),
      lcp: m((r) => r.lcp),
      tbt: m((r) => r.tbt),
      jsKb: m((r) => r.jsKb),
    };
    const firstLoadKb = page.build ? firstLoad(page.build).scriptBytesGzipped / 1024 : null;
    rows.push([
      page.name,
      String(med.performance),
      String(med.accessibility),
      String(med.bestPractices),
      `${Math.round(med.lcp)} ms`,
      `${Math.round(med.tbt)} ms`,
      `${med.jsKb.toFixed(1)} kB`,
      firstLoadKb === null ? "—" : `${firstLoadKb.toFixed(1)} kB`,
    ]);
    if (page.path.endsWith(".html")) continue;
    const perfTarget = page.perfTarget ?? 95;
    const check = (label: string, ok: boolean) => targets.push(`${ok ? "met    " : "NOT MET"}  ${page.name}: ${label}`);
    check(`performance ${med.performance} ≥ ${perfTarget}`, med.performance >= perfTarget);
    check(`accessibility ${med.accessibility} ≥ 95`, med.accessibility >= 95);
    check(`best practices ${med.bestPractices} ≥ 95`, med.bestPractices >= 95);
    if (firstLoadKb !== null)
      check(
        `first-load JS ${firstLoadKb.toFixed(1)} kB ≤ ${FIRST_LOAD_BUDGET_KB} kB`,
        firstLoadKb <= FIRST_LOAD_BUDGET_KB,
      );
  }
  const header = ["page", "perf", "a11y", "best pr.", "LCP", "TBT", "JS transferred", "first-load JS (build)"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(`\nLighthouse 12.2.3, mobile emulation, medians of ${RUNS} runs per page (${CHROMIUM})\n`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  const failing = pages.flatMap((page) => {
    const audits = [...new Set(results.get(page.name)!.flatMap((r) => r.failing))];
    return audits.length ? [`${page.name}: ${audits.join(", ")}`] : [];
  });
  if (failing.length) console.log(`\nAudits that lost points (any run):\n${failing.join("\n")}`);
  console.log(`\n${targets.join("\n")}\n\nReproduce: npm run bench:web   (RUNS=${RUNS})`);
} finally {
  await chrome?.kill();
  if (product) await stopServer(product);
  await chain?.stop();
  rmSync(BARE_FILE, { force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
