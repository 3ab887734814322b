/** TanStack Query key factories: one place to name every cached server resource. */
export const queryKeys = {
  session: () => ["session"] as const,
  wallets: () => ["wallets"] as const,
  agents: {
    all: () => ["agents"] as const,
    mine: () => ["agents", "mine"] as const,
    bySlug: (slug: string) => ["agents", "slug", slug] as const,
  },
  orgs: {
    all: () => ["orgs"] as const,
    detail: (orgId: string) => ["orgs", orgId] as const,
  },
};
