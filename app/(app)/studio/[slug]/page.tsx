import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { getAgentForOwner } from "@/db/queries/agents";
import { requirePageUser } from "@/lib/auth/session";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Agent draft" };

export default async function StudioAgentPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requirePageUser(`/studio/${slug}`);
  // Scoped by owner in the query: another creator's draft is simply not found.
  const agent = await getAgentForOwner(await getDb(), { slug, ownerId: user.id });
  if (!agent) notFound();
  return (
    <div className="space-y-6">
      <Link href="/studio" className="text-sm text-muted-foreground hover:underline">
        ← Studio
      </Link>
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-3xl font-bold tracking-tight">{agent.name}</h1>
        <Badge>{agent.status}</Badge>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Details</CardTitle>
        </CardHeader>
        <CardContent className="space-y-2 text-sm">
          <p>{agent.description || "No description yet."}</p>
          <p>
            Category: <span className="font-medium">{agent.category}</span>
          </p>
          <p>Tags: {agent.tags.length ? agent.tags.map((t) => `#${t}`).join(" ") : "none"}</p>
          <p className="text-muted-foreground">Created {formatDate(agent.createdAt)}</p>
        </CardContent>
      </Card>
    </div>
  );
}
