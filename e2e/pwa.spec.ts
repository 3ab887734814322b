import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { expect, test } from "./fixtures/test";

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Buffer): string {
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  return `${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`;
}

test("the app is installable: a manifest Chromium accepts, with icons and screenshots of the sizes it names", async ({
  baseURL,
  request,
}) => {
  const manifest = (await (await request.get("/manifest.webmanifest")).json()) as {
    display: string;
    start_url: string;
    icons: { src: string; sizes: string; purpose: string }[];
    screenshots: { src: string; sizes: string; form_factor: string }[];
  };
  expect(manifest).toMatchObject({ display: "standalone", start_url: "/" });
  expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual([
    "192x192 any",
    "512x512 any",
    "512x512 maskable",
  ]);
  expect(manifest.screenshots.map((s) => s.form_factor)).toEqual(["narrow", "wide"]);
  for (const image of [...manifest.icons, ...manifest.screenshots]) {
    const response = await request.get(image.src);
    expect(response.headers()["content-type"]).toBe("image/png");
    expect(pngSize(await response.body()), image.src).toBe(image.sizes);
  }
  for (const [file, type] of [
    ["/favicon.ico", "image/x-icon"],
    ["/apple-icon.png", "image/png"],
  ]) {
    expect((await request.get(file!)).headers()["content-type"]).toBe(type);
  }

  // Chromium's own verdict; incognito contexts (Playwright's default) are never installable.
  const profile = mkdtempSync(path.join(tmpdir(), "pwa-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    baseURL,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto("/");
    await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
    const cdp = await context.newCDPSession(page);
    // The manifest Chromium read, and no complaint about it.
    const read = await cdp.send("Page.getAppManifest");
    expect(read.url).toBe(`${baseURL}/manifest.webmanifest`);
    expect(read.errors).toEqual([]);
    await expect
      .poll(async () => (await cdp.send("Page.getInstallabilityErrors")).installabilityErrors.map((e) => e.errorId))
      .toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test("an Install app control where the browser offers to install, instructions on an iPhone, nothing otherwise", async ({
  browser,
  page,
}) => {
  const install = page.getByRole("button", { name: "Install app" });
  await page.goto("/agents");
  await expect(page.getByRole("heading", { name: "Marketplace" })).toBeVisible();
  // No prompt from the browser (an incognito context never gets one): no control.
  await expect(install).toHaveCount(0);
  // Chromium offers to install: the control appears, asks the browser's own prompt once, and goes.
  await expect(async () => {
    await page.evaluate(() => {
      const offer = new Event("beforeinstallprompt", { cancelable: true }) as Event & { prompt: () => Promise<void> };
      offer.prompt = async () => {
        (window as unknown as { prompted: number }).prompted =
          ((window as unknown as { prompted?: number }).prompted ?? 0) + 1;
      };
      window.dispatchEvent(offer);
    });
    await expect(install).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await install.click();
  expect(await page.evaluate(() => (window as unknown as { prompted: number }).prompted)).toBe(1);
  await expect(install).toHaveCount(0);

  // Safari on an iPhone installs from its Share menu: the phone menu says how.
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    userAgent:
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
  });
  const iphone = await phone.newPage();
  await iphone.goto("/agents");
  await iphone.getByRole("button", { name: "Menu" }).click();
  await iphone.getByRole("button", { name: "Install app" }).click();
  await expect(iphone.getByText("In Safari, tap the Share button, then “Add to Home Screen”.")).toBeVisible();
  await phone.close();
});
