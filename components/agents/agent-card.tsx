import Link from "next/link";
import { Badge, Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { formatWei } from "@/lib/format";

export type AgentCardData = {
  slug: string;
  name: string;
  description: string;
  category: string;
  tags: string[];
  priceWei: string;
  creatorName: string | null;
  version: number;
  /** On-chain rating (indexed) and recorded runs, when the listing query provides them. */
  ratingAverage?: number | null;
  ratingCount?: number;
  runs?: number;
};

export function AgentCard({ agent }: { agent: AgentCardData }) {
  return (
    <Card className="flex flex-col transition-shadow hover:shadow-md" data-testid="agent-card">
      <CardHeader>
        <div className="flex items-start justify-between gap-2">
          <CardTitle>
            <Link href={`/agents/${agent.slug}`} className="hover:underline touch-target">
              {agent.name}
            </Link>
          </CardTitle>
          <Badge className="bg-accent text-accent-foreground">{agent.category}</Badge>
        </div>
        <p className="text-xs text-muted-foreground">
          by {agent.creatorName ?? "unknown"} · v{agent.version}
        </p>
      </CardHeader>
      <CardContent className="flex flex-1 flex-col gap-3">
        <p className="line-clamp-3 text-sm text-muted-foreground">{agent.description}</p>
        {agent.runs !== undefined ? (
          <p className="flex gap-3 text-xs text-muted-foreground" data-testid="agent-card-stats">
            <span>
              {agent.ratingCount && agent.ratingAverage != null
                ? `★ ${agent.ratingAverage.toFixed(1)} (${agent.ratingCount})`
                : "No ratings yet"}
            </span>
            <span>
              {agent.runs} run{agent.runs === 1 ? "" : "s"}
            </span>
          </p>
        ) : null}
        <div className="mt-auto flex flex-wrap items-center gap-1.5">
          {agent.tags.slice(0, 4).map((t) => (
            <Badge key={t}>#{t}</Badge>
          ))}
          <span className="ml-auto text-sm font-medium">{formatWei(agent.priceWei)} / run</span>
        </div>
      </CardContent>
    </Card>
  );
}
