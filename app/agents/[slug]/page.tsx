import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Badge, Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { getPublishedAgentBySlug } from "@/db/queries/agents";
import { formatDate, formatWei } from "@/lib/format";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const agent = await getPublishedAgentBySlug(await getDb(), { slug: (await params).slug });
  return { title: agent?.name ?? "Agent not found", description: agent?.description };
}

export default async function AgentPage({ params }: Props) {
  const agent = await getPublishedAgentBySlug(await getDb(), { slug: (await params).slug });
  if (!agent) notFound();
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_320px]">
      <div className="space-y-4">
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-3xl font-bold tracking-tight">{agent.name}</h1>
          <Badge className="bg-accent text-accent-foreground">{agent.category}</Badge>
        </div>
        <p className="text-sm text-muted-foreground">
          by {agent.creatorName ?? "unknown"} · version {agent.version} · published {formatDate(agent.publishedAt)}
        </p>
        <p className="whitespace-pre-line leading-relaxed">{agent.description}</p>
        <div className="flex flex-wrap gap-1.5">
          {agent.tags.map((t) => (
            <Badge key={t}>#{t}</Badge>
          ))}
        </div>
      </div>
      <Card className="h-fit">
        <CardHeader>
          <CardTitle>Price</CardTitle>
        </CardHeader>
        <CardContent>
          <p className="text-2xl font-semibold">{formatWei(agent.priceWei)}</p>
          <p className="text-sm text-muted-foreground">per run</p>
        </CardContent>
      </Card>
    </div>
  );
}
