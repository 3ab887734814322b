/**
 * Renders the app's icons from their SVG sources (public/icons/*.svg) with the system's
 * Chromium: the PNG sizes the web app manifest names, the Apple touch icon and the favicon.
 * The outputs are committed; run this after changing an SVG.
 *
 *   npm run icons
 */
import { chromium } from "@playwright/test";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const source = (name: string) => readFileSync(path.join(root, "public", "icons", name), "utf8");

/** An .ico holding one PNG image (valid since Windows Vista; every browser reads it). */
function icoFromPng(png: Buffer, size: number): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  const entry = Buffer.alloc(16);
  entry.writeUInt8(size >= 256 ? 0 : size, 0);
  entry.writeUInt8(size >= 256 ? 0 : size, 1);
  entry.writeUInt8(0, 2); // no palette
  entry.writeUInt8(0, 3);
  entry.writeUInt16LE(1, 4); // colour planes
  entry.writeUInt16LE(32, 6); // bits per pixel
  entry.writeUInt32LE(png.length, 8);
  entry.writeUInt32LE(header.length + entry.length, 12);
  return Buffer.concat([header, entry, png]);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const render = async (svg: string, size: number): Promise<Buffer> => {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    await page.setContent(
      `<html><body style="margin:0;background:transparent"><img src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}" width="${size}" height="${size}" style="display:block"></body></html>`,
    );
    await page.locator("img").evaluate((img: HTMLImageElement) => img.decode());
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
    return png;
  };
  const icon = source("icon.svg");
  const maskable = source("icon-maskable.svg");
  const outputs: [string, Buffer][] = [
    ["public/icons/icon-192.png", await render(icon, 192)],
    ["public/icons/icon-512.png", await render(icon, 512)],
    ["public/icons/maskable-512.png", await render(maskable, 512)],
    // iOS draws its own rounded corners and no transparency: the full-bleed version.
    ["app/apple-icon.png", await render(maskable, 180)],
    ["app/favicon.ico", icoFromPng(await render(icon, 32), 32)],
  ];
  for (const [file, data] of outputs) {
    writeFileSync(path.join(root, file), data);
    console.log(`${file}: ${data.length.toLocaleString("en")} bytes`);
  }
} finally {
  await browser.close();
}
