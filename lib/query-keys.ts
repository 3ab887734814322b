/**
 * The one factory of TanStack Query keys: every `useQuery` and every invalidation (the live
 * stream) names its data through it, so a key cannot be spelled two ways.
 */
export const queryKeys = {
  dashboards: ["dashboards"] as const,
  creatorDashboard: (params: Record<string, string>) => ["dashboards", "creator", params] as const,
  orgDashboard: (orgId: string, params: Record<string, string>) => ["dashboards", "org", orgId, params] as const,
  /** Under "dashboards": a purchase heard on the live stream refetches it too. */
  creatorEarnings: ["dashboards", "earnings"] as const,
  walletBalance: (chainId: number, address: string) => ["wallet", "balance", chainId, address.toLowerCase()] as const,
  galaxy: (scope: "public" | "creator") => ["galaxy", scope] as const,
};
