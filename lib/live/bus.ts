import "server-only";

/**
 * The live-update bus of this instance: a run ended, a purchase was indexed. Dashboards
 * subscribe (app/api/live) as a creator (their own agents' events) or as a member of one
 * organisation (its events); an event reaches only the subscriptions indexed under its
 * creator or organisation, so a publish costs what it matches, not the number of open
 * connections. Events carry no ids or customer data: a dashboard that hears one refetches
 * what it may read.
 */
export type LiveEvent = { kind: "run" | "purchase"; ownerId: string | null; orgId: string | null };

export type Subscription = { ownerId: string | null; orgId: string | null; send: (kind: LiveEvent["kind"]) => void };

type Index = Map<string, Set<Subscription>>;
/**
 * One bus per process, on globalThis: Next.js loads instrumentation (where the roll-up pass
 * publishes) and each route bundle (where streams subscribe) as separate module instances.
 */
const globalForBus = globalThis as unknown as { __aiNomadsLiveBus?: { byOwner: Index; byOrg: Index } };
const { byOwner, byOrg } = (globalForBus.__aiNomadsLiveBus ??= { byOwner: new Map(), byOrg: new Map() });

function add(index: Index, key: string, sub: Subscription) {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(sub);
}

function remove(index: Index, key: string, sub: Subscription) {
  const set = index.get(key);
  if (!set) return;
  set.delete(sub);
  if (!set.size) index.delete(key);
}

/** Starts hearing events; returns the function that stops it. */
export function subscribe(sub: Subscription): () => void {
  if (sub.ownerId) add(byOwner, sub.ownerId, sub);
  if (sub.orgId) add(byOrg, sub.orgId, sub);
  return () => {
    if (sub.ownerId) remove(byOwner, sub.ownerId, sub);
    if (sub.orgId) remove(byOrg, sub.orgId, sub);
  };
}

/** Tells every subscription that may see it, once each. A failing subscriber does not stop the others. */
export function publish(event: LiveEvent): void {
  const targets = new Set<Subscription>();
  if (event.ownerId) for (const sub of byOwner.get(event.ownerId) ?? []) targets.add(sub);
  if (event.orgId) for (const sub of byOrg.get(event.orgId) ?? []) targets.add(sub);
  for (const sub of targets) {
    try {
      sub.send(event.kind);
    } catch {
      // A closed connection is removed by its own cleanup.
    }
  }
}

/** Open subscriptions on this instance (for the tests). */
export function subscriptionCount(): number {
  const all = new Set<Subscription>();
  for (const set of byOwner.values()) for (const sub of set) all.add(sub);
  for (const set of byOrg.values()) for (const sub of set) all.add(sub);
  return all.size;
}
