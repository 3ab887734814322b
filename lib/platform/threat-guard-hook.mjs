// Loaded into the server process with `node --import` (lib/platform/server-hooks.ts), after
// the client-address and lean-routes hooks, so that it runs before both: a request from a
// source that threat detection blocked is answered 429 here, before the lean routes or Next
// see it (lib/security/guard.ts installs the guard on globalThis). Without a guard (before
// instrumentation runs) requests pass as they are.
import http from "node:http";

const emit = http.Server.prototype.emit;

http.Server.prototype.emit = function (event, ...args) {
  if (event === "request") {
    const guard = globalThis.__aiNomadsGuardRequest;
    if (guard) {
      let answered = false;
      try {
        answered = guard(args[0], args[1]);
      } catch {
        // The guard never stands in the way of a request it could not judge.
      }
      if (answered) return true;
    }
  }
  return emit.call(this, event, ...args);
};
