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
  // Browsers strip tabs and newlines from URLs: "/\t/evil.example" would mean "//evil.example".
  ["/\t/evil.example/", "/studio"],
  ["/\n/evil.example/", "/studio"],
  ["/\r/evil.example/", "/studio"],
  ["/%09/evil.example/", "/%09/evil.example/"],
  ["/studio/../orgs", "/orgs"],
  ["/" + "a".repeat(3_000), "/studio"],
])("safeCallbackUrl(%j) → %s", (input, expected) => {
  expect(safeCallbackUrl(input)).toBe(expected);
});
