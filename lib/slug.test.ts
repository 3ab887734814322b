import { expect, test } from "vitest";
import { slugify, slugWithSuffix } from "./slug";

test.each([
  ["CSV Statistics", "csv-statistics"],
  ["  Héllo, Wörld!! ", "hello-world"],
  ["---", "item"],
  ["a".repeat(100), "a".repeat(48)],
])("slugify(%j) → %s", (input, expected) => {
  expect(slugify(input)).toBe(expected);
});

test("suffixed slugs differ", () => {
  expect(slugWithSuffix("Agent")).toMatch(/^agent-[0-9a-f]{6}$/);
  expect(slugWithSuffix("Agent")).not.toBe(slugWithSuffix("Agent"));
});
