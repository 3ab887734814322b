import type { Metadata } from "next";
import Link from "next/link";
import { AgentGalaxy } from "@/components/galaxy/agent-galaxy";

export const metadata: Metadata = { title: "Agent galaxy" };

/** The marketplace in 3D: a static page shell; the scene and its data load in the browser. */
export default function GalaxyPage() {
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-3xl font-bold tracking-tight">Agent galaxy</h1>
          <p className="mt-1 text-muted-foreground">
            Every published agent, clustered by category. Drag to turn, scroll to zoom, hover or use the arrow keys to
            see an agent, click or press Enter to open it; runs pulse as they happen.
          </p>
        </div>
        <Link href="/agents" className="text-sm text-primary hover:underline touch-target">
          ← Back to the marketplace
        </Link>
      </div>
      <AgentGalaxy scope="public" />
    </div>
  );
}
