import { expect, test } from "vitest";
import { safeCallbackUrl } from "./callback-url";

test.each([
  ["/studio/x", "/studio/x"],
  ["/invite/abc?x=1", "/invite/abc?x=1"],
  ["https://evil.example/", "/studio"],
  ["//evil.example/", "/studio"],
  ["/\\evil.example", "/studio"],
  ["javascript:alert(1)", "/studio"],
  [undefined, "/studio"],
  [["/a", "/b"], "/studio"],
])("safeCallbackUrl(%j) → %s", (input, expected) => {
  expect(safeCallbackUrl(input)).toBe(expected);
});
