"use client";

import { useRef } from "react";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { BuilderForm, type BuilderAgent, type BuilderHandle, type ProviderOption } from "./builder-form";
import { KnowledgePanel, type KnowledgeDoc } from "./knowledge-panel";
import type { OnChainListing } from "@/lib/chain/agent-reputation";
import { ListOnChain } from "./list-on-chain";
import type { PublicChain } from "@/lib/chain/config";
import { Playground } from "./playground";
import { VersionsPanel, type VersionRow } from "./versions-panel";

/** The studio for one agent: build the draft, try it, publish and compare versions. */
export function AgentStudio({
  agent,
  slug,
  providers,
  documents,
  versions,
  defaultPayee,
  initialInput,
  chain,
  listingId,
  onChainListing,
  platformFeeBps,
}: {
  agent: BuilderAgent;
  slug: string;
  providers: ProviderOption[];
  documents: KnowledgeDoc[];
  versions: VersionRow[];
  defaultPayee: string | null;
  initialInput: string;
  chain: PublicChain | null;
  listingId: string | null;
  onChainListing: OnChainListing | null;
  platformFeeBps: number | null;
}) {
  const builder = useRef<BuilderHandle>(null);
  // Running or publishing the draft first saves pending edits.
  const flush = async () => (builder.current ? builder.current.flush() : true);
  return (
    <Tabs defaultValue="build">
      <TabsList>
        <TabsTrigger value="build">Build</TabsTrigger>
        <TabsTrigger value="knowledge">Knowledge</TabsTrigger>
        <TabsTrigger value="playground">Playground</TabsTrigger>
        <TabsTrigger value="versions">Versions</TabsTrigger>
      </TabsList>
      <TabsContent value="build" forceMount className="data-[state=inactive]:hidden">
        <BuilderForm agent={agent} providers={providers} handleRef={builder} />
      </TabsContent>
      <TabsContent value="knowledge">
        <KnowledgePanel agentId={agent.id} documents={documents} />
      </TabsContent>
      <TabsContent value="playground">
        <Playground
          agentId={agent.id}
          agentSlug={slug}
          versions={versions.map((v) => ({ id: v.id, version: v.version }))}
          initialInput={initialInput}
          beforeRun={flush}
        />
      </TabsContent>
      <TabsContent value="versions" className="space-y-4">
        <ListOnChain
          agentId={agent.id}
          listingId={listingId}
          onChain={onChainListing}
          chain={chain}
          latest={versions[0] ?? null}
          platformFeeBps={platformFeeBps}
        />
        <VersionsPanel
          agentId={agent.id}
          versions={versions}
          defaultPayee={defaultPayee}
          platformFeeBps={platformFeeBps}
          beforePublish={flush}
        />
      </TabsContent>
    </Tabs>
  );
}
