import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { metrics } from "./registry";
import { routeLabel } from "./route-label";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Times every request the server answers (lib/platform/request-metrics-hook.mjs calls the
 * observer installed here): count and duration by route template, method and status.
 */
export function installRequestMetrics(): void {
  const m = metrics();
  (globalThis as { __aiNomadsObserveRequest?: unknown }).__aiNomadsObserveRequest = (
    request: IncomingMessage,
    response: ServerResponse,
  ) => {
    const started = process.hrtime.bigint();
    const route = routeLabel(request.url ?? "");
    const method = METHODS.has(request.method ?? "") ? request.method! : "other";
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      m.httpRequests.inc({ route, method, status: String(response.statusCode) });
      m.httpDuration.observe({ route, method }, seconds);
    };
    response.once("finish", end);
    response.once("close", end);
  };
}
