"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useSyncExternalStore } from "react";
import { dashboardDataParams, TIME_ZONE_COOKIE } from "@/lib/dashboards/params";

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/**
 * A dashboard's state, all in the URL: range, custom dates, time zone (the viewer's own
 * unless chosen), comparison, drill-down filters and which charts show as tables. Changes
 * replace the URL (no history entry per click) and keep the scroll position.
 */
export function useDashboardParams(
  /** The zone the server rendered the data in (from the time zone cookie), if it did. */
  renderedZone: string | null = null,
) {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  // The viewer's zone is known only in the browser: while the server renders and the page
  // hydrates it is the zone the server rendered in (the browser's, from its cookie), else
  // null and data waits for it, so a page load asks once, in the right zone.
  const zone = useSyncExternalStore<string | null>(
    () => () => {},
    browserZone,
    () => renderedZone,
  );
  useEffect(() => {
    if (!zone || zone === renderedZone) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; Path=/; Max-Age=31536000; SameSite=Lax`;
  }, [zone, renderedZone]);
  const get = useCallback((name: string) => search.get(name) ?? undefined, [search]);
  const dataParams = useMemo(() => dashboardDataParams((name) => search.get(name), zone), [search, zone]);
  const set = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(search.toString());
      for (const [name, value] of Object.entries(changes)) {
        if (value === undefined || value === "") next.delete(name);
        else next.set(name, value);
      }
      const query = next.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [search, router, pathname],
  );
  const tables = useMemo(() => new Set((search.get("tables") ?? "").split(",").filter(Boolean)), [search]);
  const toggleTable = useCallback(
    (chart: string) => {
      const next = new Set(tables);
      if (next.has(chart)) next.delete(chart);
      else next.add(chart);
      set({ tables: [...next].sort().join(",") || undefined });
    },
    [tables, set],
  );
  return {
    get,
    set,
    dataParams,
    /** Whether the time zone is known: fetch only then. */
    ready: search.has("tz") || zone !== null,
    compare: search.get("compare") !== "0",
    tables,
    toggleTable,
  };
}

/** Reads a dashboard's JSON; a problem answer becomes an Error with its detail. */
export async function fetchDashboard<T>(path: string, params: Record<string, string>): Promise<T> {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(query ? `${path}?${query}` : path, { headers: { accept: "application/json" } });
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as { detail?: string; title?: string } | null;
    throw new Error(problem?.detail ?? problem?.title ?? `The dashboard could not be loaded (${response.status}).`);
  }
  return (await response.json()) as T;
}
