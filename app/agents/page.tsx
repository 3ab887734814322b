import type { Metadata } from "next";
import Link from "next/link";
import { AgentCard } from "@/components/agents/agent-card";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { getDb } from "@/lib/db";
import { listPublishedAgents } from "@/db/queries/agents";
import { agentCategories } from "@/lib/agents/spec";
import { marketplaceHref, parseMarketplaceParams, sorts } from "@/lib/market/marketplace-params";
import { cn } from "@/lib/utils";

export const metadata: Metadata = { title: "Marketplace" };
export const dynamic = "force-dynamic";

const PAGE_SIZE = 24;

export default async function MarketplacePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const params = parseMarketplaceParams(await searchParams);
  const rows = await listPublishedAgents(await getDb(), {
    q: params.q || undefined,
    category: params.category,
    sort: params.sort,
    minPriceWei: params.minPriceWei,
    maxPriceWei: params.maxPriceWei,
    minRating: params.minRating,
    limit: PAGE_SIZE + 1,
    offset: (params.page - 1) * PAGE_SIZE,
  });
  const agents = rows.slice(0, PAGE_SIZE);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Marketplace</h1>
        <p className="mt-1 text-muted-foreground">
          Agents published by creators, ready to buy and run.{" "}
          <Link href="/agents/galaxy" className="text-link">
            See them all as a 3D galaxy
          </Link>
        </p>
      </div>
      {/* A plain GET form: the whole search state lives in the URL. */}
      <form
        action="/agents"
        method="get"
        role="search"
        className="grid gap-3 rounded-lg border p-4 sm:grid-cols-2 lg:grid-cols-[2fr_1fr_1fr_1fr_1fr_auto]"
      >
        {params.category ? <input type="hidden" name="category" value={params.category} /> : null}
        <Input
          name="q"
          type="search"
          defaultValue={params.q}
          placeholder="Search agents, e.g. csv statistics"
          aria-label="Search"
        />
        <Select name="sort" defaultValue={params.sort ?? ""} aria-label="Sort">
          <option value="">{params.q ? "Best match" : "Newest"}</option>
          {sorts.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </Select>
        <Input
          name="min"
          inputMode="decimal"
          defaultValue={params.min}
          placeholder="Min ETH / run"
          aria-label="Minimum price (ETH per run)"
        />
        <Input
          name="max"
          inputMode="decimal"
          defaultValue={params.max}
          placeholder="Max ETH / run"
          aria-label="Maximum price (ETH per run)"
        />
        <Select name="rating" defaultValue={params.rating} aria-label="Minimum rating">
          <option value="">Any rating</option>
          {["4.5", "4", "3", "2"].map((r) => (
            <option key={r} value={r}>
              {r}★ and up
            </option>
          ))}
          {params.rating && !["4.5", "4", "3", "2"].includes(params.rating) ? (
            <option value={params.rating}>{params.rating}★ and up</option>
          ) : null}
        </Select>
        <Button type="submit">Search</Button>
      </form>
      {params.problems.length ? (
        <p role="alert" className="text-sm text-destructive">
          {params.problems.join(" ")}
        </p>
      ) : null}
      <nav aria-label="Categories" className="flex flex-wrap gap-2">
        {[undefined, ...agentCategories].map((c) => (
          <Link
            key={c ?? "all"}
            href={marketplaceHref(params, { category: c })}
            aria-current={c === params.category ? "page" : undefined}
            className={cn(
              "inline-flex items-center justify-center rounded-full border px-3 py-1 text-sm capitalize max-md:min-h-11 max-md:min-w-11",
              c === params.category ? "border-primary bg-accent text-accent-foreground" : "hover:bg-muted",
            )}
          >
            {c ?? "All"}
          </Link>
        ))}
      </nav>
      {agents.length === 0 ? (
        <p className="rounded-lg border border-dashed p-10 text-center text-muted-foreground">
          No published agents match{params.q ? ` “${params.q}”` : ""}
          {params.category ? ` in ${params.category}` : ""}.
        </p>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {agents.map((agent) => (
            <AgentCard key={agent.id} agent={agent} />
          ))}
        </div>
      )}
      <div className="flex justify-between text-sm">
        {params.page > 1 ? (
          <Link href={marketplaceHref(params, { page: params.page - 1 })} className="text-primary hover:underline">
            ← Previous
          </Link>
        ) : (
          <span />
        )}
        {rows.length > PAGE_SIZE ? (
          <Link href={marketplaceHref(params, { page: params.page + 1 })} className="text-primary hover:underline">
            Next →
          </Link>
        ) : null}
      </div>
    </div>
  );
}
