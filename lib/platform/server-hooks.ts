import path from "node:path";

/**
 * The `--import` arguments every production server process starts with (`npm start`, the
 * benchmarks' servers): one trusted client address before Next sees a request
 * (client-address-hook.mjs), the lean routes answered on the bare Node request
 * (lean-routes-hook.mjs, lib/http/lean-routes.ts), blocked sources answered 429 before
 * either (threat-guard-hook.mjs, lib/security/guard.ts), and every request timed for the
 * metrics (request-metrics-hook.mjs, lib/metrics/observe.ts).
 */
export function serverHookArgs(root: string): string[] {
  return [
    "client-address-hook.mjs",
    "lean-routes-hook.mjs",
    "threat-guard-hook.mjs",
    "request-metrics-hook.mjs",
  ].flatMap((hook) => ["--import", path.join(root, "lib", "platform", hook)]);
}
