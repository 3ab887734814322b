import type { Db } from "@/db/client";
import type { AgentSpec } from "@/lib/agents/spec";
import { perDatabase } from "@/lib/coalesce";

/** What the API needs of the version a key runs: published versions never change. */
export type Runnable = {
  agent: { id: string; slug: string; name: string; unlisted: boolean };
  version: { id: string; version: number; priceWei: string };
  spec: AgentSpec;
};

const MAX_ENTRIES = 1_000;

/**
 * The version each (agent slug, pinned version) last resolved to. Only a hint: start_runs
 * charges a run only if that version is still the one the key runs, and answers `stale`
 * otherwise, when the caller looks it up again. Bounded; the oldest entry goes first.
 */
class RunnableCache {
  private readonly entries = new Map<string, Runnable>();

  private static slot(slug: string, pinnedVersionId: string | null) {
    return `${slug}\u0000${pinnedVersionId ?? ""}`;
  }

  get(slug: string, pinnedVersionId: string | null): Runnable | undefined {
    return this.entries.get(RunnableCache.slot(slug, pinnedVersionId));
  }

  set(slug: string, pinnedVersionId: string | null, runnable: Runnable | undefined) {
    const slot = RunnableCache.slot(slug, pinnedVersionId);
    this.entries.delete(slot);
    // An unlisted agent may be listed again: only runnable ones are remembered.
    if (!runnable || runnable.agent.unlisted) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(slot, runnable);
  }
}

export const runnableCache = perDatabase((_db: Db) => new RunnableCache());
