import { describe, expect, it } from "vitest";
import { ratingColor, UNRATED_COLOR } from "./colors";
import { bodyRadius, layoutGalaxy, type LayoutAgent, type LayoutLink } from "./layout";

const categories = ["data", "writing", "code", "research", "finance", "other"];

function synthetic(agentCount: number, linkCount: number) {
  const agents: LayoutAgent[] = Array.from({ length: agentCount }, (_, i) => ({
    id: `agent-${i}`,
    category: categories[i % categories.length]!,
    runs: (i * 7919) % 5000,
  }));
  const links: LayoutLink[] = Array.from({ length: linkCount }, (_, i) => ({
    source: (i * 31) % agentCount,
    target: (i * 17 + 1) % agentCount,
    weight: 1 + (i % 5),
  }));
  return { agents, links };
}

const distance = (p: Float32Array, a: number, b: number) =>
  Math.hypot(p[a * 3]! - p[b * 3]!, p[a * 3 + 1]! - p[b * 3 + 1]!, p[a * 3 + 2]! - p[b * 3 + 2]!);

describe("the galaxy layout", () => {
  it("is deterministic, finite, and holds every body within its extent", () => {
    const { agents, links } = synthetic(300, 600);
    const first = layoutGalaxy(agents, links);
    const second = layoutGalaxy(agents, links);
    expect(first.positions).toEqual(second.positions);
    expect(first.positions.every(Number.isFinite)).toBe(true);
    for (let i = 0; i < agents.length; i++) {
      const r = Math.hypot(first.positions[i * 3]!, first.positions[i * 3 + 1]!, first.positions[i * 3 + 2]!);
      expect(r + first.radii[i]!).toBeLessThanOrEqual(first.extent + 1e-3);
    }
    expect(first.categories).toEqual([...categories].sort());
  });

  it("keeps each agent nearer its own category's centre than any other", () => {
    const { agents, links } = synthetic(600, 1500);
    const layout = layoutGalaxy(agents, links);
    let misplaced = 0;
    agents.forEach((agent, i) => {
      const own = layout.categories.indexOf(agent.category);
      const d = (c: number) =>
        Math.hypot(
          layout.positions[i * 3]! - layout.centres[c * 3]!,
          layout.positions[i * 3 + 1]! - layout.centres[c * 3 + 1]!,
          layout.positions[i * 3 + 2]! - layout.centres[c * 3 + 2]!,
        );
      if (layout.categories.some((_, c) => c !== own && d(c) < d(own))) misplaced++;
    });
    expect(misplaced).toBe(0);
  });

  it("pushes crowded bodies apart: no two overlap much, even when every agent is in one category", () => {
    const agents = Array.from({ length: 400 }, (_, i) => ({ id: `a${i}`, category: "data", runs: 10 }));
    const layout = layoutGalaxy(agents, []);
    let overlapping = 0;
    for (let a = 0; a < agents.length; a++)
      for (let b = a + 1; b < agents.length; b++)
        if (distance(layout.positions, a, b) < (layout.radii[a]! + layout.radii[b]!) * 0.5) overlapping++;
    expect(overlapping).toBe(0);
  });

  it("pulls linked agents closer than unlinked ones in the same category", () => {
    const agents = Array.from({ length: 60 }, (_, i) => ({ id: `a${i}`, category: "data", runs: 0 }));
    const links = Array.from({ length: 10 }, (_, i) => ({ source: i * 2, target: i * 2 + 1, weight: 5 }));
    const layout = layoutGalaxy(agents, links);
    const linked = links.map((l) => distance(layout.positions, l.source, l.target));
    const unlinked = links.map((l) => distance(layout.positions, l.source, 59 - l.target));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(linked)).toBeLessThan(mean(unlinked));
  });

  it("lays out the galaxy's scale (2,000 agents, 5,000 links) and ignores links to agents it does not have", () => {
    const { agents, links } = synthetic(2000, 5000);
    const layout = layoutGalaxy(agents, [
      ...links,
      { source: 0, target: 9999, weight: 1 },
      { source: 3, target: 3, weight: 1 },
    ]);
    expect(layout.positions).toHaveLength(6000);
    expect(layout.positions.every(Number.isFinite)).toBe(true);
    expect(layoutGalaxy([], []).positions).toHaveLength(0);
  });

  it("sizes bodies by the log of their runs, capped", () => {
    expect(bodyRadius(0)).toBe(0.6);
    expect(bodyRadius(1000)).toBeGreaterThan(bodyRadius(10));
    expect(bodyRadius(1e12)).toBe(2.4);
    expect(bodyRadius(-5)).toBe(0.6);
  });
});

describe("rating colours", () => {
  it("go from red at one star to green at five, slate when unrated", () => {
    expect(ratingColor(null)).toBe(UNRATED_COLOR);
    expect(ratingColor(Number.NaN)).toBe(UNRATED_COLOR);
    expect(ratingColor(1)).toBe("#e23636");
    const green = ratingColor(5);
    expect(parseInt(green.slice(3, 5), 16)).toBeGreaterThan(parseInt(green.slice(1, 3), 16));
    expect(ratingColor(9)).toBe(green);
  });
});
