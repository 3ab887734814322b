"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { LazyToaster } from "@/components/ui/lazy-toaster";
import { WalletProviders } from "@/components/wallet/chain-wallet";
import type { PublicChain } from "@/lib/chain/config";

export function Providers({ chain, children }: { chain: PublicChain | null; children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: 1 } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <WalletProviders chain={chain}>
        {children}
        <LazyToaster />
      </WalletProviders>
    </QueryClientProvider>
  );
}
