import { describe, expect, test } from "vitest";
import { jsonValueProblem, MAX_JSON_DEPTH, recordable } from "./json-limits";

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe("jsonValueProblem", () => {
  test.each([
    ["a plain object", { a: [1, "two", { three: null }] }],
    ["emoji (a valid surrogate pair)", { text: "ok 😀" }],
    ["the deepest nesting allowed", nested(MAX_JSON_DEPTH)],
  ])("accepts %s", (_name, value) => {
    expect(jsonValueProblem(value)).toBeNull();
  });

  test.each([
    ["U+0000 in a string", { text: "a\u0000b" }, /\/text contains the character U\+0000/],
    ["U+0000 in a key", { "a\u0000": 1 }, /A key in the value contains the character U\+0000/],
    ["a lone surrogate", { text: "\ud800" }, /unpaired surrogate/],
    ["one level too deep", nested(MAX_JSON_DEPTH + 1), /nests deeper than 64 levels/],
  ])("refuses %s", (_name, value, message) => {
    expect(jsonValueProblem(value)).toMatch(message);
  });

  test("100,000 levels of nesting are refused without overflowing the stack", () => {
    const value = JSON.parse("[".repeat(100_000) + "]".repeat(100_000));
    expect(jsonValueProblem(value)).toMatch(/nests deeper/);
  });
});

describe("recordable", () => {
  test("keeps what can be stored as it is", () => {
    const value = { args: { url: "https://example.com" }, list: [1, 2, "three"] };
    expect(recordable(value)).toEqual(value);
  });

  test("replaces U+0000 and lone surrogates, in values and keys, so the record can be written", () => {
    expect(recordable({ "k\u0000": "a\u0000b\ud800" })).toEqual({ "k\ufffd": "a\ufffdb\ufffd" });
    expect(jsonValueProblem(recordable({ "k\u0000": "a\u0000b\ud800" }))).toBeNull();
  });

  test("cuts deep nesting and turns a large value into a bounded preview", () => {
    const deep = JSON.parse("[".repeat(10_000) + "]".repeat(10_000));
    expect(jsonValueProblem(recordable(deep))).toBeNull();
    const big = recordable({ body: "x".repeat(100_000) }) as { truncated: boolean; chars: number; preview: string };
    expect(big.truncated).toBe(true);
    expect(big.chars).toBeGreaterThan(100_000);
    expect(big.preview.length).toBe(16 * 1024);
  });
});
