import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AgentStudio } from "@/components/studio/agent-studio";
import { Badge } from "@/components/ui/card";
import { getDb } from "@/lib/db";
import { getAgentForOwner, listAgentVersionsForOwner } from "@/db/queries/agents";
import { listKnowledgeDocuments } from "@/db/queries/knowledge";
import { listWalletsForUser } from "@/db/queries/wallets";
import { configuredProviders } from "@/lib/agents/runtime/providers";
import { readListingState } from "@/lib/chain/agent-reputation";
import { marketplaceContract } from "@/lib/chain/client";
import { publicChainConfig, resolveChainConfig } from "@/lib/chain/config";
import { readFeeBps } from "@/lib/chain/contracts";
import { sampleInput } from "@/lib/agents/sample-input";
import { agentSpecSchema } from "@/lib/agents/spec";
import { requirePageUser } from "@/lib/auth/session";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Studio" };

export default async function StudioAgentPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const user = await requirePageUser(`/studio/${slug}`);
  const db = await getDb();
  // Scoped by owner in the query: another creator's draft is simply not found.
  const agent = await getAgentForOwner(db, { slug, ownerId: user.id });
  if (!agent) notFound();
  const [versions, documents, wallets] = await Promise.all([
    listAgentVersionsForOwner(db, { agentId: agent.id, ownerId: user.id }),
    listKnowledgeDocuments(db, { agentId: agent.id }),
    listWalletsForUser(db, { userId: user.id }),
  ]);
  const spec = agentSpecSchema.parse(agent.draftSpec ?? {});
  const chainConfig = resolveChainConfig();
  const onChainListing = agent.listingId && chainConfig ? await readListingState(agent.listingId) : null;
  // Shown before publishing and listing: what the platform keeps of each run.
  const platformFeeBps = chainConfig ? await readFeeBps(marketplaceContract(chainConfig)).catch(() => null) : null;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <Link href="/studio" className="text-sm text-muted-foreground hover:underline touch-target">
          ← Studio
        </Link>
        <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">{agent.name}</h1>
        <Badge>{agent.status === "published" ? `published · v${versions[0]?.version}` : "draft"}</Badge>
        <Link href={`/studio/${slug}/runs`} className="ml-auto text-sm text-primary hover:underline touch-target">
          Runs →
        </Link>
      </div>
      {agent.unlistedAt ? (
        <p role="alert" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-testid="studio-unlisted">
          The platform&apos;s operators unlisted this agent on {formatDate(agent.unlistedAt)}: it is hidden from the
          marketplace and its API runs are refused. Their reason: {agent.unlistedReason || "none given"}.
        </p>
      ) : null}
      <AgentStudio
        slug={slug}
        agent={{
          id: agent.id,
          name: agent.name,
          description: agent.description,
          category: agent.category,
          tags: agent.tags,
          spec,
        }}
        providers={configuredProviders()}
        documents={documents}
        versions={versions.map((v) => ({
          ...v,
          payees: v.payees as { address: string; shareBps: number }[],
          createdAt: v.createdAt.toISOString(),
        }))}
        defaultPayee={wallets[0]?.address ?? null}
        initialInput={JSON.stringify(sampleInput(spec.inputSchema), null, 2)}
        listingId={agent.listingId}
        onChainListing={onChainListing}
        chain={chainConfig ? publicChainConfig(chainConfig) : null}
        platformFeeBps={platformFeeBps}
      />
    </div>
  );
}
