import Link from "next/link";
import type { Galaxy } from "@/lib/galaxy/data";
import { ratingColor } from "@/lib/galaxy/colors";

/**
 * The galaxy without WebGL or motion: the same agents grouped by category (busiest first),
 * each a link to its page, with its runs, rating and how many others it is bought with.
 * Plain links in lists, so Tab and a screen reader's list navigation reach every agent.
 */
export function GalaxyList({ galaxy }: { galaxy: Galaxy }) {
  const linked = new Array<number>(galaxy.agents.length).fill(0);
  for (const link of galaxy.links) {
    linked[link.source]!++;
    linked[link.target]!++;
  }
  const categories = new Map<string, number[]>();
  galaxy.agents.forEach((agent, i) => {
    const list = categories.get(agent.category) ?? [];
    list.push(i);
    categories.set(agent.category, list);
  });
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="galaxy-list">
      {[...categories.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([category, indexes]) => (
          <section key={category} aria-labelledby={`galaxy-${category}`} className="rounded-lg border p-4">
            <h3 id={`galaxy-${category}`} className="mb-2 font-semibold capitalize">
              {category} <span className="font-normal text-muted-foreground">({indexes.length})</span>
            </h3>
            <ul className="space-y-1">
              {indexes
                .sort((a, b) => galaxy.agents[b]!.runs - galaxy.agents[a]!.runs)
                .map((i) => {
                  const agent = galaxy.agents[i]!;
                  return (
                    <li key={agent.id}>
                      <Link
                        href={`/agents/${agent.slug}`}
                        className="flex items-center gap-2 rounded px-1 py-1 text-sm hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                      >
                        <span
                          aria-hidden
                          className="inline-block h-3 w-3 shrink-0 rounded-full"
                          style={{ backgroundColor: ratingColor(agent.rating) }}
                        />
                        <span className="truncate font-medium">{agent.name}</span>
                        <span className="ml-auto shrink-0 text-xs text-muted-foreground">
                          {describeAgent(agent, linked[i]!, galaxy.runDays)}
                        </span>
                      </Link>
                    </li>
                  );
                })}
            </ul>
          </section>
        ))}
    </div>
  );
}

/** One line about an agent, as the list and the scene's focus card say it. */
export function describeAgent(agent: Galaxy["agents"][number], linkedWith: number, runDays: number): string {
  const rating = agent.rating === null ? "not rated" : `${agent.rating.toFixed(1)}★ (${agent.ratingCount})`;
  const linked = linkedWith ? ` · bought with ${linkedWith} other${linkedWith === 1 ? "" : "s"}` : "";
  return `${agent.runs.toLocaleString("en")} runs in ${runDays} d · ${rating}${linked}`;
}
