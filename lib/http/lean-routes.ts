import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";

export type LeanHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * Paths answered on the bare Node request and response before Next.js sees the request:
 * lib/platform/lean-routes-hook.mjs (loaded into the server process by `npm start`) looks
 * them up on globalThis, where instrumentation.ts installs them. Only for long-lived
 * streams, where Next's per-request machinery is what an idle connection costs; without
 * the hook (`next dev`) the same paths are served by their Next.js routes.
 */
export function installLeanRoutes(routes: Record<string, LeanHandler>): void {
  (globalThis as { __aiNomadsLeanRoutes?: Map<string, LeanHandler> }).__aiNomadsLeanRoutes = new Map(
    Object.entries(routes),
  );
}
