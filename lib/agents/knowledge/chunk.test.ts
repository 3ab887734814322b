import { describe, expect, test } from "vitest";
import { chunkDocument, formatFromFileName } from "./chunk";

describe("chunkDocument", () => {
  test("markdown chunks carry their heading", () => {
    const chunks = chunkDocument("# Refunds\nWithin 14 days.\n\n# Shipping\nThree days.", "markdown");
    expect(chunks).toEqual(["Refunds\nWithin 14 days.", "Shipping\nThree days."]);
  });

  test("long text is split into bounded chunks and nothing is lost", () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} ${"word ".repeat(40)}`.trim());
    const chunks = chunkDocument(paragraphs.join("\n\n"), "text");
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.length <= 1_200)).toBe(true);
    for (const p of paragraphs) expect(chunks.some((c) => c.includes(p))).toBe(true);
  });

  test("CSV chunks repeat the header row", () => {
    const csv = ["id,name", ...Array.from({ length: 200 }, (_, i) => `${i},name-${i}`)].join("\n");
    const chunks = chunkDocument(csv, "csv");
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.startsWith("id,name\n"))).toBe(true);
    expect(chunks.join("\n").match(/name-\d+/g)).toHaveLength(200);
  });

  test("JSON arrays chunk by element; invalid JSON is refused", () => {
    expect(chunkDocument('[{"a":1},{"b":2}]', "json")).toEqual(['{"a":1}\n\n{"b":2}']);
    expect(chunkDocument('{"plan":"pro","seats":5}', "json")).toEqual(['plan: "pro"\n\nseats: 5']);
    expect(() => chunkDocument("{nope", "json")).toThrow("That is not valid JSON.");
  });

  test.each([
    ["notes.md", "markdown"],
    ["DATA.CSV", "csv"],
    ["x.json", "json"],
    ["readme.txt", "text"],
  ])("%s → %s", (name, format) => {
    expect(formatFromFileName(name)).toBe(format);
  });
});
