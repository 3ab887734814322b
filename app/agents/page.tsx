import type { Metadata } from "next";
import Link from "next/link";
import { AgentCard } from "@/components/agents/agent-card";
import { getDb } from "@/db/client";
import { listPublishedAgents } from "@/db/queries/agents";
import { agentCategories } from "@/lib/agents/spec";
import { cn } from "@/lib/utils";

export const metadata: Metadata = { title: "Marketplace" };
export const dynamic = "force-dynamic";

const PAGE_SIZE = 24;

export default async function MarketplacePage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const params = await searchParams;
  const category = agentCategories.find((c) => c === params.category);
  const page = Math.max(1, Math.min(1000, Number.parseInt(String(params.page ?? "1"), 10) || 1));
  const rows = await listPublishedAgents(await getDb(), {
    category,
    limit: PAGE_SIZE + 1,
    offset: (page - 1) * PAGE_SIZE,
  });
  const agents = rows.slice(0, PAGE_SIZE);
  const href = (next: { category?: string; page?: number }) => {
    const q = new URLSearchParams();
    if (next.category) q.set("category", next.category);
    if (next.page && next.page > 1) q.set("page", String(next.page));
    const s = q.toString();
    return s ? `/agents?${s}` : "/agents";
  };

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Marketplace</h1>
        <p className="mt-1 text-muted-foreground">Agents published by creators, ready to buy and run.</p>
      </div>
      <nav aria-label="Categories" className="flex flex-wrap gap-2">
        {[undefined, ...agentCategories].map((c) => (
          <Link
            key={c ?? "all"}
            href={href({ category: c })}
            aria-current={c === category ? "page" : undefined}
            className={cn(
              "rounded-full border px-3 py-1 text-sm capitalize",
              c === category ? "border-primary bg-accent text-accent-foreground" : "hover:bg-muted",
            )}
          >
            {c ?? "All"}
          </Link>
        ))}
      </nav>
      {agents.length === 0 ? (
        <p className="rounded-lg border border-dashed p-10 text-center text-muted-foreground">
          No published agents{category ? ` in ${category}` : ""} yet.
        </p>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {agents.map((agent) => (
            <AgentCard key={agent.id} agent={agent} />
          ))}
        </div>
      )}
      <div className="flex justify-between text-sm">
        {page > 1 ? <Link href={href({ category, page: page - 1 })} className="text-primary hover:underline">← Previous</Link> : <span />}
        {rows.length > PAGE_SIZE ? <Link href={href({ category, page: page + 1 })} className="text-primary hover:underline">Next →</Link> : null}
      </div>
    </div>
  );
}
