import type { Db } from "@/db/client";
import type { AgentSpec } from "@/lib/agents/spec";
import { perDatabase } from "@/lib/coalesce";

/** What the API needs of the version a key runs: published versions never change. */
export type Runnable = {
  agent: { id: string; slug: string; name: string };
  version: { id: string; version: number; priceWei: string };
  spec: AgentSpec;
};

const MAX_ENTRIES = 1_000;

/**
 * The version each (agent slug, pinned version) last resolved to, and the pinned version
 * each key hash last had. Only a hint: a request on the fast path validates its input
 * against the cached version, and the metering statement charges it only if that version
 * is still the one the key runs (see startMeteredRuns); anything else takes the general
 * path, which re-reads the agent and refreshes the entry. Bounded; oldest entries go first.
 */
class RunnableCache {
  private readonly runnables = new Map<string, Runnable>();
  private readonly pins = new Map<string, string | null>();
  /** Keys whose last batched request was charged. */
  private readonly charging = new Map<string, true>();

  private static slot(slug: string, pinnedVersionId: string | null) {
    return `${slug}\u0000${pinnedVersionId ?? ""}`;
  }

  private static put<V>(map: Map<string, V>, key: string, value: V) {
    map.delete(key);
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
    map.set(key, value);
  }

  /**
   * The version this key's request for `slug` ran last time, only for a key that was
   * authenticated on its previous request: an unknown or refused key never gets its input
   * validated before the database has checked it.
   */
  lookup(keyHash: string, slug: string): Runnable | undefined {
    if (!this.pins.has(keyHash)) return undefined;
    return this.runnables.get(RunnableCache.slot(slug, this.pins.get(keyHash)!));
  }

  /** Forgets a key the database refused (unknown, revoked, over its limit). */
  forgetKey(keyHash: string) {
    this.pins.delete(keyHash);
    this.charging.delete(keyHash);
  }

  rememberPin(keyHash: string, pinnedVersionId: string | null) {
    if (this.pins.get(keyHash) !== pinnedVersionId) RunnableCache.put(this.pins, keyHash, pinnedVersionId);
  }

  /**
   * Whether a self-contained agent may run before this key's request is charged: only
   * while the key's last request on the fast path was charged. A key out of credits, over
   * its limit or revoked is then refused before any code runs, and at most the requests
   * already in flight ran for nothing.
   */
  mayRunFirst(keyHash: string): boolean {
    return this.charging.has(keyHash);
  }

  noteCharged(keyHash: string, charged: boolean) {
    if (!charged) this.charging.delete(keyHash);
    else if (!this.charging.has(keyHash)) RunnableCache.put(this.charging, keyHash, true);
  }

  /** What the general path read for this slug and pin (undefined: nothing runnable, forget it). */
  remember(keyHash: string, pinnedVersionId: string | null, slug: string, runnable: Runnable | undefined) {
    this.rememberPin(keyHash, pinnedVersionId);
    const slot = RunnableCache.slot(slug, pinnedVersionId);
    if (runnable) RunnableCache.put(this.runnables, slot, runnable);
    else this.runnables.delete(slot);
  }
}

export const runnableCache = perDatabase((_db: Db) => new RunnableCache());
