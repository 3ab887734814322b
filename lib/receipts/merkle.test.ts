import { createHash } from "node:crypto";
import { expect, test } from "vitest";
import { merkleProof, merkleRoot, receiptLeaf, verifyMerkleProof } from "./merkle";

const receipt = (i: number) => createHash("sha256").update(`receipt ${i}`).digest("hex");

test.each([1, 2, 3, 5, 8, 13, 100])("every leaf of a %i-leaf tree proves against the root; others do not", (n) => {
  const leaves = Array.from({ length: n }, (_, i) => receiptLeaf(receipt(i)));
  const root = merkleRoot(leaves);
  for (let i = 0; i < n; i++) expect(verifyMerkleProof(leaves[i]!, merkleProof(leaves, i), root)).toBe(true);
  expect(verifyMerkleProof(receiptLeaf(receipt(n + 1)), merkleProof(leaves, 0), root)).toBe(false);
  if (n > 1) expect(verifyMerkleProof(leaves[0]!, merkleProof(leaves, 1), root)).toBe(false);
});

test("a single leaf is its own root; the leaf is keccak256 of the receipt hash", () => {
  const leaf = receiptLeaf(receipt(1));
  expect(merkleRoot([leaf])).toBe(leaf);
  expect(merkleProof([leaf], 0)).toEqual([]);
  expect(() => receiptLeaf("abc")).toThrow();
  expect(() => merkleRoot([])).toThrow();
});
