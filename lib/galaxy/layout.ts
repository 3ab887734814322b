/**
 * The agent galaxy's layout: where each agent sits in 3D. Pure and deterministic (the same
 * agents and links give the same positions), so it runs in a Web Worker
 * (components/galaxy/layout.worker.ts) and in tests alike. Categories are clusters around
 * points spread evenly on a sphere; inside a cluster a few rounds of a force layout pull
 * agents of a category that the same organisations bought together and push crowded
 * agents apart.
 * Repulsion looks only at neighbouring cells of a grid, so a round costs O(agents + links)
 * however the agents fall into categories.
 */

export type LayoutAgent = { id: string; category: string; runs: number };
/** Indexes into the agents array, and how many organisations bought both. */
export type LayoutLink = { source: number; target: number; weight: number };

export type Layout = {
  /** x, y, z per agent. */
  positions: Float32Array;
  /** The body's radius per agent, growing with the log of its runs. */
  radii: Float32Array;
  /** The cluster centres, in the order of `categories`. */
  centres: Float32Array;
  categories: string[];
  /** Radius of a sphere holding every body: the camera frames it. */
  extent: number;
};

const ROUNDS = 60;
/** Bodies closer than this (centre to centre) push each other apart: it is also the grid's cell size. */
const SPACING = 3;

/** A body's radius: 0.6 with no runs, growing with the log of its runs and capped. */
export function bodyRadius(runs: number): number {
  return Math.min(2.4, 0.6 + 0.35 * Math.log10(1 + Math.max(0, runs)));
}

/** A small deterministic PRNG seeded from a string (FNV-1a, then mulberry32). */
function random(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` points spread evenly over a sphere of `radius` (a Fibonacci lattice). */
function sphere(count: number, radius: number): Float32Array {
  const points = new Float32Array(count * 3);
  if (count === 1) return points;
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < count; i++) {
    const y = 1 - (2 * (i + 0.5)) / count;
    const r = Math.sqrt(1 - y * y);
    points[i * 3] = Math.cos(golden * i) * r * radius;
    points[i * 3 + 1] = y * radius;
    points[i * 3 + 2] = Math.sin(golden * i) * r * radius;
  }
  return points;
}

export function layoutGalaxy(agents: LayoutAgent[], links: LayoutLink[]): Layout {
  const n = agents.length;
  const categories = [...new Set(agents.map((a) => a.category))].sort();
  const clusterOf = new Int32Array(n);
  const clusterSize = new Int32Array(categories.length);
  const index = new Map(categories.map((c, i) => [c, i]));
  agents.forEach((a, i) => {
    clusterOf[i] = index.get(a.category)!;
    clusterSize[clusterOf[i]!]!++;
  });
  // A cluster's radius grows with the cube root of its agents (they fill a ball); the
  // centres sit far enough apart that the largest two do not overlap.
  const clusterRadius = Array.from(clusterSize, (size) => SPACING * 0.9 * Math.cbrt(Math.max(1, size)));
  const largest = Math.max(0, ...clusterRadius);
  const centreRadius =
    categories.length > 1
      ? Math.max(12, (largest * 2.4) / (2 * Math.sin(Math.PI / Math.min(categories.length, 12))))
      : 0;
  const centres = sphere(categories.length, centreRadius);

  const positions = new Float32Array(n * 3);
  const radii = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const next = random(agents[i]!.id);
    const c = clusterOf[i]!;
    // A random point in the cluster's ball.
    const u = next() * 2 - 1;
    const phi = next() * Math.PI * 2;
    const r = clusterRadius[c]! * Math.cbrt(next());
    const s = Math.sqrt(1 - u * u);
    positions[i * 3] = centres[c * 3]! + r * s * Math.cos(phi);
    positions[i * 3 + 1] = centres[c * 3 + 1]! + r * u;
    positions[i * 3 + 2] = centres[c * 3 + 2]! + r * s * Math.sin(phi);
    radii[i] = bodyRadius(agents[i]!.runs);
  }

  const valid = links.filter(
    (l) => l.source >= 0 && l.source < n && l.target >= 0 && l.target < n && l.source !== l.target,
  );
  const maxWeight = Math.max(1, ...valid.map((l) => l.weight));
  const force = new Float32Array(n * 3);
  const cells = new Map<string, number[]>();
  const cellKey = (x: number, y: number, z: number) => `${x},${y},${z}`;

  for (let round = 0; round < ROUNDS; round++) {
    const cooling = 1 - round / ROUNDS;
    force.fill(0);
    // Gravity towards the cluster's centre keeps categories apart.
    for (let i = 0; i < n; i++) {
      const c = clusterOf[i]!;
      for (let d = 0; d < 3; d++) force[i * 3 + d]! += (centres[c * 3 + d]! - positions[i * 3 + d]!) * 0.02;
    }
    // Links pull agents bought together within a category; links across categories are
    // drawn but do not pull, so every agent stays in its own cluster.
    for (const { source, target, weight } of valid) {
      if (clusterOf[source] !== clusterOf[target]) continue;
      const strength = 0.01 + (0.04 * weight) / maxWeight;
      for (let d = 0; d < 3; d++) {
        const delta = (positions[target * 3 + d]! - positions[source * 3 + d]!) * strength;
        force[source * 3 + d]! += delta;
        force[target * 3 + d]! -= delta;
      }
    }
    // Crowded bodies push each other apart: only pairs in neighbouring cells can be close enough.
    cells.clear();
    for (let i = 0; i < n; i++) {
      const key = cellKey(
        Math.floor(positions[i * 3]! / SPACING),
        Math.floor(positions[i * 3 + 1]! / SPACING),
        Math.floor(positions[i * 3 + 2]! / SPACING),
      );
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = []));
      cell.push(i);
    }
    for (let i = 0; i < n; i++) {
      const cx = Math.floor(positions[i * 3]! / SPACING);
      const cy = Math.floor(positions[i * 3 + 1]! / SPACING);
      const cz = Math.floor(positions[i * 3 + 2]! / SPACING);
      for (let dx = -1; dx <= 1; dx++)
        for (let dy = -1; dy <= 1; dy++)
          for (let dz = -1; dz <= 1; dz++) {
            for (const j of cells.get(cellKey(cx + dx, cy + dy, cz + dz)) ?? []) {
              if (j <= i) continue;
              const x = positions[i * 3]! - positions[j * 3]!;
              const y = positions[i * 3 + 1]! - positions[j * 3 + 1]!;
              const z = positions[i * 3 + 2]! - positions[j * 3 + 2]!;
              const distance = Math.sqrt(x * x + y * y + z * z) || 0.01;
              const wanted = Math.max(SPACING, radii[i]! + radii[j]! + 0.4);
              if (distance >= wanted) continue;
              const push = ((wanted - distance) / distance) * 0.5;
              force[i * 3]! += x * push;
              force[i * 3 + 1]! += y * push;
              force[i * 3 + 2]! += z * push;
              force[j * 3]! -= x * push;
              force[j * 3 + 1]! -= y * push;
              force[j * 3 + 2]! -= z * push;
            }
          }
    }
    for (let k = 0; k < n * 3; k++) {
      // A step never exceeds the spacing, so the layout cannot blow up.
      const step = Math.max(-SPACING, Math.min(SPACING, force[k]! * cooling));
      positions[k]! += step;
    }
  }

  let extent = 1;
  for (let i = 0; i < n; i++) {
    const x = positions[i * 3]!;
    const y = positions[i * 3 + 1]!;
    const z = positions[i * 3 + 2]!;
    extent = Math.max(extent, Math.sqrt(x * x + y * y + z * z) + radii[i]!);
  }
  return { positions, radii, centres, categories, extent };
}
