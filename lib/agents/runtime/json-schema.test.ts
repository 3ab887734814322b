import { describe, expect, test } from "vitest";
import { schemaProblems, validateAgainstSchema } from "./json-schema";

describe("JSON Schema validation", () => {
  test("a catastrophic pattern runs in linear time: `^(a+)+$` against 32 a's and a '!' answers within 100 ms", () => {
    const schema = { type: "object", properties: { s: { type: "string", pattern: "^(a+)+$" } } };
    expect(schemaProblems(schema)).toEqual([]);
    const started = performance.now();
    expect(validateAgainstSchema(schema, { s: `${"a".repeat(32)}!` })).toEqual([
      expect.stringMatching(/must match pattern/),
    ]);
    expect(validateAgainstSchema(schema, { s: `${"a".repeat(100_000)}!` })).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(100);
    expect(validateAgainstSchema(schema, { s: "aaaa" })).toEqual([]);
  });

  test("patternProperties run on the same engine", () => {
    const schema = { type: "object", patternProperties: { "^(x+)+$": { type: "number" } } };
    const started = performance.now();
    expect(validateAgainstSchema(schema, { [`${"x".repeat(40)}y`]: "not checked", xxx: "checked" })).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(100);
  });

  test("a pattern RE2 cannot run (a backreference) is refused when the schema is saved, saying why", () => {
    const problems = schemaProblems({ type: "string", pattern: "^(a)\\1$" });
    expect(problems).toEqual([expect.stringMatching(/pattern is not supported.*RE2/)]);
  });

  test("two creators' schemas with the same $id both work, each with its own rules", () => {
    const first = { $id: "https://example.com/input", type: "object", required: ["a"] };
    const second = { $id: "https://example.com/input", type: "object", required: ["b"] };
    expect(schemaProblems(first)).toEqual([]);
    expect(schemaProblems(second)).toEqual([]);
    expect(validateAgainstSchema(first, { a: 1 })).toEqual([]);
    expect(validateAgainstSchema(second, { b: 1 })).toEqual([]);
    expect(validateAgainstSchema(structuredClone(second), { a: 1 })).toHaveLength(1);
  });

  test("after 600 distinct schemas with $ids, saving the first again still works (nothing is remembered globally)", () => {
    const schemaOf = (i: number) => ({
      $id: `https://example.com/s${i}`,
      type: "object",
      properties: { n: { const: i } },
    });
    for (let i = 0; i < 600; i++) expect(schemaProblems(schemaOf(i))).toEqual([]);
    expect(schemaProblems(schemaOf(0))).toEqual([]);
    expect(validateAgainstSchema(schemaOf(0), { n: 0 })).toEqual([]);
  });

  test.each([
    ["nested deeper than 32 levels", JSON.parse(`${'{"not":'.repeat(40)}{}${"}".repeat(40)}`), /nests deeper than 32/],
    ["larger than 64 KiB", { type: "object", description: "x".repeat(70_000) }, /at most 64 KiB/],
    ["not an object", [1], /must be a JSON object/],
  ])("a schema %s is refused with a clear message", (_name, schema, message) => {
    expect(schemaProblems(schema).join(" ")).toMatch(message);
  });
});
