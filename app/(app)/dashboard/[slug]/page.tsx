import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { HydrationBoundary } from "@tanstack/react-query";
import { Suspense } from "react";
import { CreatorDashboard } from "@/components/dashboards/creator-dashboard";
import { getAgentForOwner } from "@/db/queries/agents";
import { requirePageUser } from "@/lib/auth/session";
import { prefetchCreatorDashboard } from "@/lib/dashboards/prefetch";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Agent dashboard" };

/** One agent's dashboard, for its creator only (anyone else gets 404). */
export default async function AgentDashboardPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const user = await requirePageUser(`/dashboard/${encodeURIComponent(slug)}`);
  const agent = await getAgentForOwner(await getDb(), { slug, ownerId: user.id });
  if (!agent) notFound();
  const prefetched = await prefetchCreatorDashboard(user.id, await searchParams, agent.slug);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-muted-foreground">
          <Link href="/dashboard" className="hover:underline">
            Dashboard
          </Link>{" "}
          /
        </p>
        <h1 className="text-3xl font-bold tracking-tight">{agent.name}</h1>
        <p className="text-muted-foreground">
          <Link href={`/studio/${agent.slug}`} className="hover:underline">
            Open in the studio
          </Link>
          {agent.status === "published" ? (
            <>
              {" · "}
              <Link href={`/agents/${agent.slug}`} className="hover:underline">
                Public page
              </Link>
            </>
          ) : null}
        </p>
      </div>
      <Suspense>
        <HydrationBoundary state={prefetched.state}>
          <CreatorDashboard agentSlug={agent.slug} renderedZone={prefetched.zone} />
        </HydrationBoundary>
      </Suspense>
    </div>
  );
}
