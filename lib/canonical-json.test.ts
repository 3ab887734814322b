import { expect, test } from "vitest";
import { canonicalJson, hashCanonical } from "./canonical-json";

test("key order does not change the canonical form or the hash", () => {
  const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } };
  const b = { a: { c: "x", d: [3, { y: 2, z: 1 }] }, b: 1 };
  expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  expect(hashCanonical(a)).toBe(hashCanonical(b));
  expect(hashCanonical(a)).not.toBe(hashCanonical({ ...b, b: 2 }));
});

test("array order matters", () => {
  expect(hashCanonical([1, 2])).not.toBe(hashCanonical([2, 1]));
});
