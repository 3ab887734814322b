"use client";

import { useQuery } from "@tanstack/react-query";
import type { CreatorEarnings, EarningsRow } from "@/lib/dashboards/earnings";
import { formatTokenAmount } from "@/lib/money";
import { queryKeys } from "@/lib/query-keys";
import { ChartCard } from "./chart-card";
import { COLORS, StackedBars } from "./charts";
import { fetchDashboard, type useDashboardParams } from "./dashboard-params";

const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;
const amount = (wei: string | null, row: EarningsRow) =>
  wei === null ? "unknown (chain unreachable)" : `${formatTokenAmount(wei, row.decimals)} ${row.symbol}`;

/**
 * Earnings per payee wallet: what is claimable on the marketplace now and what was already
 * withdrawn, per token. Wallets linked to the account and co-payees named in the creator's
 * versions; the chart draws the native token, the table and CSV every token exactly.
 */
export function EarningsCard({ state }: { state: ReturnType<typeof useDashboardParams> }) {
  const query = useQuery({
    queryKey: queryKeys.creatorEarnings,
    queryFn: () => fetchDashboard<CreatorEarnings>("/api/dashboard/creator/earnings", {}),
  });
  const data = query.data;
  const rows = data?.rows ?? [];
  const native = rows.filter((r) => r.symbol === "ETH" && r.decimals === 18);
  const points = native.map((r) => ({
    wallet: `${short(r.address)}${r.linked ? "" : " (co-payee)"}`,
    claimable: r.claimable === null ? 0 : Number(formatTokenAmount(r.claimable, 18)),
    withdrawn: Number(formatTokenAmount(r.withdrawn, 18)),
  }));
  const empty = query.isError
    ? (query.error as Error).message
    : !data
      ? "Loading…"
      : !data.chain
        ? "No chain is configured on this server."
        : rows.length === 0
          ? "No payee wallet yet: link a wallet in Settings, or name payees when you list an agent."
          : undefined;
  return (
    <ChartCard
      id="earnings"
      title="Earnings by payee wallet"
      description="Claimable now on the marketplace contract (withdraw it on the Payouts page), and withdrawn so far; ETH in the chart, every token in the table"
      rows={rows}
      columns={[
        { key: "wallet", label: "Wallet", value: (r) => r.address },
        { key: "payee", label: "Payee", value: (r) => (r.linked ? "your wallet" : "co-payee") },
        { key: "token", label: "Token", value: (r) => r.symbol },
        { key: "claimable", label: "Claimable", value: (r) => amount(r.claimable, r) },
        { key: "withdrawn", label: "Withdrawn", value: (r) => amount(r.withdrawn, r) },
        { key: "claimableWei", label: "Claimable (smallest unit)", value: (r) => r.claimable },
        { key: "withdrawnWei", label: "Withdrawn (smallest unit)", value: (r) => r.withdrawn },
        { key: "withdrawals", label: "Withdrawals", value: (r) => r.withdrawals },
      ]}
      showTable={state.tables.has("earnings")}
      onToggleTable={() => state.toggleTable("earnings")}
      empty={empty}
    >
      <StackedBars
        data={points}
        category="wallet"
        bars={[
          { key: "claimable", name: "Claimable (ETH)", color: COLORS.succeeded },
          { key: "withdrawn", name: "Withdrawn (ETH)", color: COLORS.previous },
        ]}
      />
    </ChartCard>
  );
}
