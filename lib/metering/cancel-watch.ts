import "server-only";
import type { Db } from "@/db/client";
import { cancelRequestedAmong } from "@/db/queries/runs";
import { describeError } from "@/lib/log";

const CHECK_EVERY_MS = 1_000;

type Watch = { controllers: Map<string, AbortController>; timer: NodeJS.Timeout | null; db: Db | null };
const globalForWatch = globalThis as unknown as { __aiNomadsCancelWatch?: Watch };
const state = () => (globalForWatch.__aiNomadsCancelWatch ??= { controllers: new Map(), timer: null, db: null });

async function check(watch: Watch) {
  if (!watch.db || !watch.controllers.size) return;
  try {
    for (const id of await cancelRequestedAmong(watch.db, [...watch.controllers.keys()])) {
      watch.controllers.get(id)?.abort();
      watch.controllers.delete(id);
    }
  } catch (error) {
    console.warn(`[cancel-watch] ${describeError(error)}`);
  }
}

/**
 * Watches a run this process is running for its organisation's cancel request (POST
 * /runs/{id}/cancel may reach any instance): one query a second for all of this process's
 * watched runs. The signal aborts when a cancel is requested; `stop` when the run is done.
 */
export function watchForCancel(db: Db, executionId: string): { signal: AbortSignal; stop: () => void } {
  const watch = state();
  watch.db = db;
  const controller = new AbortController();
  watch.controllers.set(executionId, controller);
  if (!watch.timer) {
    watch.timer = setInterval(() => void check(watch), CHECK_EVERY_MS);
    watch.timer.unref();
  }
  return {
    signal: controller.signal,
    stop() {
      // The timer stays (unref'd, idle when nothing is watched): short runs do not start and
      // clear one each on the request path.
      watch.controllers.delete(executionId);
    },
  };
}
