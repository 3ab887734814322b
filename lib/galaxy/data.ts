import "server-only";
import type { Db } from "@/db/client";
import { galaxyData, type GalaxyAgent } from "@/db/queries/galaxy";

/** What the galaxy draws at most: the scale (2,000 agents, 5,000 links), the busiest first. */
export const MAX_AGENTS = 2_000;
export const MAX_LINKS = 5_000;
/** Bodies are sized by the runs of this many days. */
export const RUN_DAYS = 30;
/** The public galaxy is read at most once per this interval per instance, however many visitors ask. */
const PUBLIC_TTL_MS = 30_000;

/** As sent to the browser: links name their agents by index into `agents`. */
export type Galaxy = {
  agents: GalaxyAgent[];
  links: { source: number; target: number; weight: number }[];
  runDays: number;
};

async function read(db: Db, ownerId?: string): Promise<Galaxy> {
  const since = new Date(Date.now() - RUN_DAYS * 86_400_000);
  const { agents, links } = await galaxyData(db, { ownerId, since, maxAgents: MAX_AGENTS, maxLinks: MAX_LINKS });
  const index = new Map(agents.map((a, i) => [a.id, i]));
  return {
    agents,
    links: links.map((l) => ({ source: index.get(l.source)!, target: index.get(l.target)!, weight: l.weight })),
    runDays: RUN_DAYS,
  };
}

type Cached = { at: number; value: Promise<string> };
const globalForGalaxy = globalThis as unknown as { __aiNomadsPublicGalaxy?: Cached };

/**
 * Every published agent (up to MAX_AGENTS), as the JSON sent: one read and one
 * serialisation shared by all visitors for PUBLIC_TTL_MS, and by every request that
 * arrives while it runs, so a public page cannot be used to make the database (or the
 * serialiser, for up to half a megabyte) work per request. A failed read is not kept.
 */
export function publicGalaxyJson(db: Db): Promise<string> {
  const cached = globalForGalaxy.__aiNomadsPublicGalaxy;
  if (cached && Date.now() - cached.at < PUBLIC_TTL_MS) return cached.value;
  const value = read(db).then((galaxy) => JSON.stringify(galaxy));
  const entry = { at: Date.now(), value };
  globalForGalaxy.__aiNomadsPublicGalaxy = entry;
  value.catch(() => {
    if (globalForGalaxy.__aiNomadsPublicGalaxy === entry) globalForGalaxy.__aiNomadsPublicGalaxy = undefined;
  });
  return value;
}

/** A creator's own published agents (the caller holds a dashboard slot). */
export function creatorGalaxy(db: Db, ownerId: string): Promise<Galaxy> {
  return read(db, ownerId);
}
