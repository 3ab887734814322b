// Loaded into the server process with `node --import` (lib/platform/server-hooks.ts), after
// the other hooks so that it sees every request, lean routes included: each request and
// its response go to the observer instrumentation.ts installs on globalThis
// (lib/metrics/observe.ts), which times it for the metrics. Without an observer (before
// instrumentation runs) requests pass as they are.
import http from "node:http";

const emit = http.Server.prototype.emit;

http.Server.prototype.emit = function (event, ...args) {
  if (event === "request") {
    const observe = globalThis.__aiNomadsObserveRequest;
    if (observe) {
      try {
        observe(args[0], args[1]);
      } catch {
        // Metrics never stand in a request's way.
      }
    }
  }
  return emit.call(this, event, ...args);
};
