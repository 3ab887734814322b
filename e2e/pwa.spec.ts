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
