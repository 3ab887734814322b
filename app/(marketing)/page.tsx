import Link from "next/link";
import { AgentCard } from "@/components/agents/agent-card";
import { Button } from "@/components/ui/button";
import { getDb } from "@/lib/db";
import { listPublishedAgents } from "@/db/queries/agents";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const featured = await listPublishedAgents(await getDb(), { limit: 3 });
  return (
    <div className="space-y-14">
      <section className="mx-auto max-w-3xl py-10 text-center">
        <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">
          The marketplace for <span className="text-primary">AI agents</span>
        </h1>
        <p className="mt-4 text-lg text-muted-foreground">
          Creators build, test and publish agents in the browser. Teams buy runs with a wallet and call them over an
          API, with every execution recorded and every payment split on-chain.
        </p>
        <div className="mt-8 flex flex-wrap justify-center gap-3">
          <Button asChild size="lg">
            <Link href="/agents">Browse agents</Link>
          </Button>
          <Button asChild size="lg" variant="outline">
            <Link href="/studio">Build an agent</Link>
          </Button>
        </div>
      </section>
      {featured.length > 0 ? (
        <section className="space-y-4">
          <h2 className="text-xl font-semibold">New in the marketplace</h2>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {featured.map((agent) => (
              <AgentCard key={agent.id} agent={agent} />
            ))}
          </div>
        </section>
      ) : null}
    </div>
  );
}
