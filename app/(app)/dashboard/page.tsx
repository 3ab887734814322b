import type { Metadata } from "next";
import { HydrationBoundary } from "@tanstack/react-query";
import { Suspense } from "react";
import { CreatorDashboard } from "@/components/dashboards/creator-dashboard";
import { LazyAgentGalaxy } from "@/components/galaxy/lazy-galaxy";
import { requirePageUser } from "@/lib/auth/session";
import { prefetchCreatorDashboard } from "@/lib/dashboards/prefetch";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePageUser("/dashboard");
  const prefetched = await prefetchCreatorDashboard(user.id, await searchParams);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Dashboard</h1>
        <p className="text-muted-foreground">How your agents do: runs, latency, errors, revenue and ratings.</p>
      </div>
      <Suspense>
        <HydrationBoundary state={prefetched.state}>
          <CreatorDashboard renderedZone={prefetched.zone} />
        </HydrationBoundary>
      </Suspense>
      <section aria-labelledby="galaxy-heading" className="space-y-3">
        <h2 id="galaxy-heading" className="text-xl font-semibold">
          Your agents in 3D
        </h2>
        <LazyAgentGalaxy scope="creator" height={420} />
      </section>
    </div>
  );
}
