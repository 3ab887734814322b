/**
 * Next.js refuses to build a "use server" file that exports anything but async functions;
 * this finds such an export before a build does.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, vi } from "vitest";

vi.mock("@/lib/db", () => ({ getDb: async () => undefined }));

function serverFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return serverFiles(file);
    if (!/\.tsx?$/.test(entry.name) || /\.test\.|\.testing\./.test(entry.name)) return [];
    return /^\s*["']use server["']/.test(readFileSync(file, "utf8")) ? [file] : [];
  });
}

test('every export of a "use server" file is a function', async () => {
  const files = [...serverFiles(path.resolve("lib")), ...serverFiles(path.resolve("app"))];
  expect(files.length).toBeGreaterThan(20);
  for (const file of files) {
    const exported = await import(file);
    for (const [name, value] of Object.entries(exported))
      expect(typeof value, `${path.relative(process.cwd(), file)}: ${name}`).toBe("function");
  }
}, 60_000);
