import "server-only";
import { dehydrate, QueryClient, type DehydratedState } from "@tanstack/react-query";
import { cookies } from "next/headers";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { describeError } from "@/lib/log";
import { queryKeys } from "@/lib/query-keys";
import { creatorDashboardFor } from "./data";
import { dashboardDataParams, TIME_ZONE_COOKIE } from "./params";

/**
 * The creator dashboard's data for a page's URL state, read while the page renders on the
 * server, when the viewer's time zone is known (the URL's, or the cookie the browser left):
 * the page arrives with its numbers, so its stored copy reads offline too. `zone` is what
 * the browser hydrates with; without it the browser asks once it knows its zone.
 */
export async function prefetchCreatorDashboard(
  userId: string,
  search: Record<string, string | string[] | undefined>,
  agentSlug?: string,
): Promise<{ state: DehydratedState; zone: string | null }> {
  const first = (name: string) => {
    const value = search[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const zone = (await cookies()).get(TIME_ZONE_COOKIE)?.value ?? null;
  const queryClient = new QueryClient();
  if (first("tz") || zone) {
    const params = { ...dashboardDataParams(first, zone), ...(agentSlug ? { agent: agentSlug } : {}) };
    try {
      const data = await creatorDashboardFor(await getDb(), userId, params, AbortSignal.timeout(10_000));
      // As the browser would receive it from the API (JSON: dates as strings).
      queryClient.setQueryData(queryKeys.creatorDashboard(params), JSON.parse(JSON.stringify(data)));
    } catch (error) {
      // The browser asks again and shows what went wrong.
      if (!(error instanceof AppError))
        console.error(`[dashboard] server render without data: ${describeError(error)}`);
    }
  }
  return { state: dehydrate(queryClient), zone };
}
