import "server-only";
import { getDb } from "@/lib/db";
import { repeat } from "@/lib/repeat";
import { reapOverdueRuns } from "./reaper";

const REAP_INTERVAL_MS = 60_000;

/**
 * Ends runs whose process died (see reapOverdueRuns): once at start-up, then every minute.
 * Every app instance may run it; a run is ended and refunded once however many do.
 */
export function startReaperLoop(): void {
  repeat(
    "reaper",
    REAP_INTERVAL_MS,
    async () => {
      const ended = await reapOverdueRuns(await getDb());
      if (ended)
        console.log(`[reaper] ended ${ended} run(s) left running by a stopped process; their credits were returned`);
    },
    { immediately: true },
  );
}
