import type { Metadata } from "next";
import Link from "next/link";
import { CreateAgentDialog } from "@/components/studio/create-agent-form";
import { Badge } from "@/components/ui/card";
import { getDb } from "@/lib/db";
import { listAgentsForOwner } from "@/db/queries/agents";
import { requirePageUser } from "@/lib/auth/session";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Studio" };

export default async function StudioPage() {
  const user = await requirePageUser("/studio");
  const agents = await listAgentsForOwner(await getDb(), { ownerId: user.id });
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-3xl font-bold tracking-tight">Studio</h1>
          <p className="mt-1 text-muted-foreground">Your agents: drafts and published versions.</p>
        </div>
        <CreateAgentDialog />
      </div>
      {agents.length === 0 ? (
        <p className="rounded-lg border border-dashed p-10 text-center text-muted-foreground">
          You have no agents yet. Create a draft to start building.
        </p>
      ) : (
        <ul className="divide-y rounded-lg border" aria-label="Your agents">
          {agents.map((agent) => (
            <li key={agent.id} className="flex flex-wrap items-center gap-3 p-4">
              <div className="min-w-0 flex-1">
                <Link href={`/studio/${agent.slug}`} className="font-medium hover:underline">
                  {agent.name}
                </Link>
                <p className="truncate text-sm text-muted-foreground">{agent.description || "No description yet."}</p>
              </div>
              <Badge>{agent.category}</Badge>
              <Badge className={agent.status === "published" ? "bg-green-100 text-green-800" : undefined}>
                {agent.status === "published" ? `v${agent.currentVersion}` : agent.status}
              </Badge>
              {agent.unlistedAt ? (
                <Badge
                  className="bg-amber-100 text-amber-900"
                  title="Unlisted by the platform's operators: open it to read why"
                >
                  unlisted
                </Badge>
              ) : null}
              <span className="text-xs text-muted-foreground">updated {formatDate(agent.updatedAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
