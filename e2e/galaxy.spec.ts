import { gzipSync } from "node:zlib";
import type { Page } from "@playwright/test";
import { newAccount, signUp } from "./fixtures/accounts";
import { expect, test } from "./fixtures/test";

/** The JavaScript a page load fetches: URL and gzipped size (as served compressed). */
async function scriptsOf(page: Page, path: string, ready: () => Promise<void>) {
  const scripts = new Map<string, number>();
  const pending: Promise<void>[] = [];
  const listener = (response: import("@playwright/test").Response) => {
    if (response.request().resourceType() !== "script") return;
    pending.push(
      response
        .body()
        .then((body) => void scripts.set(response.url(), gzipSync(body).length))
        .catch(() => undefined),
    );
  };
  page.on("response", listener);
  await page.goto(path);
  await ready();
  page.off("response", listener);
  await Promise.all(pending);
  return scripts;
}

/** 2,000 agents in 8 categories and 5,000 links: the scale the galaxy is built for. */
function largeGalaxy() {
  const categories = ["data", "writing", "code", "research", "finance", "support", "marketing", "other"];
  return {
    runDays: 30,
    agents: Array.from({ length: 2000 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      slug: `synthetic-${i}`,
      name: `Synthetic agent ${i}`,
      category: categories[i % categories.length],
      runs: (i * 7919) % 20000,
      rating: i % 3 === 0 ? null : 1 + (i % 5),
      ratingCount: i % 3 === 0 ? 0 : 3,
    })),
    links: Array.from({ length: 5000 }, (_, i) => ({
      source: (i * 31) % 2000,
      target: (i * 17 + 1) % 2000,
      weight: 1 + (i % 4),
    })),
  };
}

test("the agent galaxy: a lazy WebGL scene of few draw calls, usable by keyboard, and a list without WebGL or motion", async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // The marketplace ships none of three.js; the galaxy's own code is one lazy chunk of at most 250 kB gzipped.
  const marketplace = await scriptsOf(page, "/agents", () =>
    expect(page.getByRole("link", { name: "See them all as a 3D galaxy" })).toBeVisible(),
  );
  await page.getByRole("link", { name: "See them all as a 3D galaxy" }).click();
  await expect(page).toHaveURL(/\/agents\/galaxy$/);
  const canvas = page.getByTestId("galaxy-canvas");
  await expect(canvas.locator("canvas")).toBeVisible();
  await expect(canvas).toHaveAttribute("data-draw-calls", /^\d+$/);

  // By keyboard: the first agent (by category, busiest first), then Enter opens its page.
  await canvas.focus();
  await page.keyboard.press("ArrowRight");
  const card = canvas.getByText("Enter opens its page");
  await expect(card).toBeVisible();
  const name = await canvas.locator("p.font-semibold").textContent();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: name! })).toBeVisible();

  // At scale: 2,000 agents and 5,000 links in at most 10 draw calls, laid out off the main thread.
  const large = await context.newPage();
  await large.route("**/api/galaxy", (route) => route.fulfill({ json: largeGalaxy() }));
  const galaxyScripts = await scriptsOf(large, "/agents/galaxy", async () => {
    await expect(large.getByTestId("galaxy-canvas")).toHaveAttribute("data-agents", "2000");
    await expect(large.getByTestId("galaxy-canvas")).toHaveAttribute("data-draw-calls", /^\d+$/, { timeout: 30_000 });
  });
  const drawCalls = Number(await large.getByTestId("galaxy-canvas").getAttribute("data-draw-calls"));
  expect(drawCalls).toBeGreaterThan(0);
  expect(drawCalls).toBeLessThanOrEqual(10);
  // Nothing moves: after the first frames the scene rests (renders on demand).
  const frames = await large.getByTestId("galaxy-canvas").getAttribute("data-frames");
  await large.waitForTimeout(1000);
  expect(await large.getByTestId("galaxy-canvas").getAttribute("data-frames")).toBe(frames);

  const marketplaceCode = [...marketplace.keys()];
  const galaxyOnly = [...galaxyScripts].filter(([url]) => !marketplaceCode.includes(url));
  const galaxyKb = galaxyOnly.reduce((sum, [, bytes]) => sum + bytes, 0) / 1000;
  console.log(`galaxy page scripts beyond the marketplace's: ${galaxyKb.toFixed(1)} kB gzipped`);
  expect(galaxyKb).toBeLessThanOrEqual(250);
  // Every script the marketplace loads is free of three.js (its renderer's messages are string literals).
  for (const url of marketplaceCode) {
    const body = await (await page.request.get(url)).text();
    expect(body.includes("THREE.WebGLRenderer"), `${url} carries three.js`).toBe(false);
  }
  await context.close();

  // With reduced motion: the same agents as a list of links, reachable by Tab.
  const calm = await browser.newContext({ reducedMotion: "reduce" });
  const calmPage = await calm.newPage();
  await calmPage.goto("/agents/galaxy");
  await expect(calmPage.getByText("You prefer reduced motion")).toBeVisible();
  const list = calmPage.getByTestId("galaxy-list");
  await expect(list.getByRole("link", { name: /CSV Statistics/ })).toBeVisible();
  await expect(calmPage.locator("canvas")).toHaveCount(0);
  await calm.close();

  // Without WebGL: the list, and the reason.
  const flat = await browser.newContext();
  await flat.addInitScript(() => {
    const original = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
      if (type.startsWith("webgl")) return null;
      return (original as (...args: unknown[]) => unknown).call(this, type, ...rest);
    } as typeof original;
  });
  const flatPage = await flat.newPage();
  await flatPage.goto("/agents/galaxy");
  await expect(flatPage.getByText("Your browser cannot draw WebGL")).toBeVisible();
  await flatPage
    .getByTestId("galaxy-list")
    .getByRole("link", { name: /CSV Statistics/ })
    .focus();
  await flatPage.keyboard.press("Enter");
  await expect(flatPage.getByRole("heading", { level: 1, name: "CSV Statistics" })).toBeVisible();
  await flat.close();

  // The creator dashboard holds the creator's own galaxy, loaded after the page.
  const creator = await browser.newContext();
  const creatorPage = await creator.newPage();
  await signUp(creatorPage, newAccount("Galaxy Creator"));
  await creatorPage.goto("/dashboard");
  await expect(creatorPage.getByRole("heading", { name: "Your agents in 3D" })).toBeVisible();
  await expect(creatorPage.getByText("No published agents yet")).toBeVisible();
  await creator.close();
});
