import { sql } from "drizzle-orm";
import type { Db } from "../client";
import { num, rowsOf } from "./raw-rows";

/**
 * The agent galaxy's data: published agents with their runs over the last days (from the
 * rollups) and average rating, and links between agents that the same organisations
 * bought (from indexed purchases: how many organisations bought both). Public: names,
 * categories, counts; never which organisation bought what.
 */

export type GalaxyAgent = {
  id: string;
  slug: string;
  name: string;
  category: string;
  runs: number;
  rating: number | null;
  ratingCount: number;
};
export type GalaxyLink = { source: string; target: string; weight: number };

export async function galaxyData(
  db: Db,
  params: { ownerId?: string; since: Date; maxAgents: number; maxLinks: number },
): Promise<{ agents: GalaxyAgent[]; links: GalaxyLink[] }> {
  const owner = params.ownerId ? sql`and a.owner_id = ${params.ownerId}` : sql``;
  const agentRows = rowsOf(
    await db.execute(sql`
      select a.id, a.slug, a.name, a.category,
        coalesce((select sum(r.runs) from agent_run_rollups r where r.agent_id = a.id and r.hour >= ${params.since.toISOString()}::timestamptz), 0) as runs,
        rt.average, coalesce(rt.count, 0) as rating_count
      from agents a
      left join (select agent_id, avg(score)::float8 as average, count(*) as count from ratings group by agent_id) rt on rt.agent_id = a.id
      where a.status = 'published' and a.unlisted_at is null and a.current_version_id is not null ${owner}
      order by runs desc, a.id
      limit ${params.maxAgents}`),
  );
  const agents = agentRows.map((row) => ({
    id: String(row.id),
    slug: String(row.slug),
    name: String(row.name),
    category: String(row.category),
    runs: num(row.runs),
    rating: row.average === null ? null : Number(row.average),
    ratingCount: num(row.rating_count),
  }));
  if (agents.length < 2) return { agents, links: [] };
  const ids = agents.map((a) => a.id);
  const linkRows = rowsOf(
    await db.execute(sql`
      with bought as (
        select distinct p.org_id, p.agent_id from purchases p
        where p.org_id is not null and p.agent_id = any(${`{${ids.join(",")}}`}::uuid[])
      )
      select x.agent_id as source, y.agent_id as target, count(*) as weight
      from bought x join bought y on y.org_id = x.org_id and y.agent_id > x.agent_id
      group by x.agent_id, y.agent_id
      order by weight desc, source, target
      limit ${params.maxLinks}`),
  );
  return {
    agents,
    links: linkRows.map((row) => ({ source: String(row.source), target: String(row.target), weight: num(row.weight) })),
  };
}
