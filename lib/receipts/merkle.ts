import { concat, keccak256, type Hex } from "viem";

/**
 * Merkle trees over execution receipts, compatible with OpenZeppelin's `MerkleProof`:
 * a leaf is keccak256 of the 32-byte receipt hash, and each parent is keccak256 of its
 * two children in ascending order (so a proof is just the sibling hashes). An odd node
 * at the end of a level is carried up unchanged.
 */
export function receiptLeaf(receiptHash: string): Hex {
  const hex = (receiptHash.startsWith("0x") ? receiptHash : `0x${receiptHash}`) as Hex;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new Error("A receipt hash is 32 bytes of hex.");
  return keccak256(hex);
}

function parent(a: Hex, b: Hex): Hex {
  return a.toLowerCase() < b.toLowerCase() ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** Every level of the tree, leaves first, root last. */
function levels(leaves: Hex[]): Hex[][] {
  if (leaves.length === 0) throw new Error("A Merkle tree needs at least one leaf.");
  const out: Hex[][] = [leaves];
  while (out.at(-1)!.length > 1) {
    const level = out.at(-1)!;
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? parent(level[i]!, level[i + 1]!) : level[i]!);
    out.push(next);
  }
  return out;
}

export function merkleRoot(leaves: Hex[]): Hex {
  return levels(leaves).at(-1)![0]!;
}

/** The sibling hashes from leaf `index` up to the root. */
export function merkleProof(leaves: Hex[], index: number): Hex[] {
  if (index < 0 || index >= leaves.length) throw new Error("No leaf at that index.");
  const proof: Hex[] = [];
  let i = index;
  for (const level of levels(leaves).slice(0, -1)) {
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    if (sibling < level.length) proof.push(level[sibling]!);
    i = Math.floor(i / 2);
  }
  return proof;
}

export function verifyMerkleProof(leaf: Hex, proof: Hex[], root: Hex): boolean {
  return proof.reduce<Hex>((node, sibling) => parent(node, sibling), leaf).toLowerCase() === root.toLowerCase();
}
