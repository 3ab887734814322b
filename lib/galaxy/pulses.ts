import "server-only";

/**
 * The galaxy's pulses: which published agents ran lately, as a numbered feed in memory.
 * The roll-up pass (lib/dashboards/roller.ts) adds the agents of each batch; an open
 * galaxy asks for what came after the last number it saw (GET /api/galaxy/pulses), every
 * two seconds. It is public (that an agent ran is public, its run count is on its page)
 * and costs no database read: one array of at most CAPACITY ids, so a flood of readers
 * costs each of them a slice of it. Per process, on globalThis (instrumentation and route
 * bundles are separate module instances), like the live bus.
 */
export const CAPACITY = 512;

type Feed = { next: number; ids: string[] };
const globalForPulses = globalThis as unknown as { __aiNomadsGalaxyPulses?: Feed };
const feed = (globalForPulses.__aiNomadsGalaxyPulses ??= { next: 0, ids: [] });

/** Adds agents that ran; the feed keeps the newest CAPACITY. */
export function addPulses(agentIds: string[]): void {
  for (const id of agentIds) {
    feed.ids.push(id);
    feed.next++;
  }
  if (feed.ids.length > CAPACITY) feed.ids.splice(0, feed.ids.length - CAPACITY);
}

/**
 * The agents that ran after number `after` (at most the CAPACITY newest; none when `after`
 * is missing, for a galaxy that just opened), and the number to ask after next time.
 */
export function pulsesAfter(after: number | undefined): { next: number; agentIds: string[] } {
  if (after === undefined || after >= feed.next || after < 0) return { next: feed.next, agentIds: [] };
  const count = Math.min(feed.next - after, feed.ids.length);
  return { next: feed.next, agentIds: [...new Set(feed.ids.slice(feed.ids.length - count))] };
}
