/**
 * Takes the web app manifest's screenshots (public/screenshots/) from a running app with
 * its demo data, with the system's Chromium: the marketplace on a phone (narrow) and the
 * agent galaxy on a desktop (wide). The outputs are committed; take them again when the
 * pages change.
 *
 *   npm start   (in another terminal, on a fresh DATA_DIR for the demo data), then
 *   npm run screenshots   (APP_URL=http://localhost:3000 by default)
 */
import { chromium } from "@playwright/test";
import { mkdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const base = process.env.APP_URL ?? "http://localhost:3000";
const shots = [
  { file: "marketplace-narrow.png", path: "/agents", width: 390, height: 844, ready: "[data-testid=agent-card]" },
  { file: "galaxy-wide.png", path: "/agents/galaxy", width: 1280, height: 800, ready: "[data-draw-calls]" },
];

mkdirSync(path.join(root, "public", "screenshots"), { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  for (const shot of shots) {
    const page = await browser.newPage({ viewport: { width: shot.width, height: shot.height }, deviceScaleFactor: 1 });
    await page.goto(`${base}${shot.path}`);
    await page.locator(shot.ready).first().waitFor();
    await page.waitForTimeout(500);
    const file = path.join(root, "public", "screenshots", shot.file);
    await page.screenshot({ path: file });
    console.log(`public/screenshots/${shot.file}: ${shot.width}x${shot.height}`);
    await page.close();
  }
} finally {
  await browser.close();
}
