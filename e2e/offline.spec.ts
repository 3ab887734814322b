import type { Page } from "@playwright/test";
import { newAccount, signOut, signUp } from "./fixtures/accounts";
import { expect, test } from "./fixtures/test";

const PRIVATE_PAGES_CACHE = "private-pages-v1"; // lib/pwa/offline.ts

/** Waits until the service worker controls the page and has stored this page's copy. */
async function storedForOffline(page: Page, path: string) {
  await expect
    .poll(
      async () => {
        await page.goto(path);
        return page.evaluate(
          async ({ cacheName, url }) => {
            if (!navigator.serviceWorker.controller) return false;
            return Boolean(await (await caches.open(cacheName)).match(url));
          },
          { cacheName: PRIVATE_PAGES_CACHE, url: new URL(path, page.url()).href },
        );
      },
      { timeout: 30_000, intervals: [500, 1000, 2000] },
    )
    .toBe(true);
}

/** The notice the app's styles draw on a stored copy: what it says, and that it is on screen. */
async function expectMarkedStale(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-offline-copy", /\d/);
  // Still there once the page's scripts have run.
  await page.waitForLoadState("load");
  const notice = await page.evaluate(() => {
    const style = getComputedStyle(document.body, "::before");
    return { content: style.content, height: parseFloat(style.height) };
  });
  expect(notice.content).toContain("You are offline. This is a copy of this page from");
  expect(notice.height).toBeGreaterThan(0);
  await page.waitForLoadState("networkidle");
  await expect(page.locator("body")).toHaveAttribute("data-offline-copy", /\d/);
}

test("offline: the service worker shows the last dashboard and payouts, the offline page for the rest, and never an API answer", async ({
  page,
  context,
}) => {
  await signUp(page, newAccount("Offline Reader"));
  await storedForOffline(page, "/dashboard");
  // Stored again once the browser has told the server its time zone: now with the data.
  await page.goto("/dashboard");
  await expect(page.getByTestId("total-Runs")).toHaveText("0");
  expect(await page.evaluate(() => document.cookie)).toMatch(/(^|; )tz=/);
  await page.reload();
  await storedForOffline(page, "/payouts");
  // The precache holds the shell: the offline page among it.
  const precached = await page.evaluate(async () => {
    const names = await caches.keys();
    const urls: string[] = [];
    for (const name of names.filter((n) => n.includes("precache"))) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  expect(precached).toContain("/offline");
  expect(precached.some((u) => u.startsWith("/api"))).toBe(false);

  await context.setOffline(true);

  // A page viewed before: its copy, marked as offline and stale, with its numbers (rendered
  // on the server in the viewer's zone, so the copy holds them).
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expectMarkedStale(page);
  await expect(page.getByTestId("total-Runs")).toHaveText("0");
  await page.goto("/payouts");
  await expect(page.getByRole("heading", { name: "Payouts", level: 1 })).toBeVisible();
  await expectMarkedStale(page);

  // A page never stored: the offline page, answered by the worker with 200.
  const response = await page.goto("/orgs");
  expect(response?.status()).toBe(200);
  expect(response?.fromServiceWorker()).toBe(true);
  await expect(page.getByTestId("offline-page")).toBeVisible();
  await expect(page.getByRole("heading", { name: "You are offline" })).toBeVisible();

  // The public API is never answered from a cache.
  const api = await page.evaluate(async () => {
    try {
      const r = await fetch("/api/v1/agents");
      return `status ${r.status}`;
    } catch (error) {
      return `failed: ${(error as Error).name}`;
    }
  });
  expect(api).toBe("failed: TypeError");

  // Back online, the dashboard is the live page again.
  await context.setOffline(false);
  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expect(page.locator("body")).not.toHaveAttribute("data-offline-copy");
});

test("offline after signing out: none of the signed-out person's pages is served from the cache", async ({
  page,
  context,
}) => {
  await signUp(page, newAccount("Signs Out"));
  await storedForOffline(page, "/payouts");
  await signOut(page);
  const left = await page.evaluate(
    async (cacheName) => (await (await caches.open(cacheName)).keys()).map((r) => new URL(r.url).pathname),
    PRIVATE_PAGES_CACHE,
  );
  expect(left).toEqual([]);

  await context.setOffline(true);
  for (const path of ["/payouts", "/dashboard"]) {
    await page.goto(path);
    await expect(page.getByTestId("offline-page")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Payouts" })).toHaveCount(0);
  }
});

test("a new version waits until the person accepts it, then the page reloads into it", async ({ page }) => {
  await page.goto("/agents");
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
  // Nothing to offer on the first install.
  await expect(page.getByTestId("app-update")).toHaveCount(0);
  // A new deployment: the browser finds a different worker script for the same scope.
  await page.evaluate(() => navigator.serviceWorker.register("/serwist/sw.js?deployment=2", { scope: "/" }));
  const prompt = page.getByTestId("app-update");
  await expect(prompt).toContainText("A new version of AI Nomads is ready.");
  // Until accepted, the running version stays in control.
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).not.toContain("deployment=2");
  await Promise.all([page.waitForEvent("load"), prompt.getByRole("button", { name: "Reload" }).click()]);
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? ""))
    .toContain("deployment=2");
  // (The reloaded page registers /serwist/sw.js again, which this simulation made a different
  // script from the one now running, so it is offered once more: not checked here.)
});
