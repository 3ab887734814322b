// Loaded into the server process with `node --import` (scripts/start.ts, bench/server.ts).
// A request whose path is one of the lean routes that instrumentation.ts installs on
// globalThis (lib/http/lean-routes.ts) is answered by its handler on the bare Node request
// and response; every other request goes to Next.js as before. The path must match
// exactly (no decoding, no trailing slash): anything else is Next's.
import http from "node:http";

const emit = http.Server.prototype.emit;

http.Server.prototype.emit = function (event, ...args) {
  const routes = globalThis.__aiNomadsLeanRoutes;
  if (event === "request" && routes) {
    const [request, response] = args;
    const url = request.url ?? "";
    const end = url.indexOf("?");
    const handler = routes.get(end === -1 ? url : url.slice(0, end));
    if (handler) {
      handler(request, response).catch((error) => {
        console.error(`[lean-routes] ${request.method} ${url.slice(0, 200)} failed: ${error?.name ?? "error"}`);
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
      return true;
    }
  }
  return emit.call(this, event, ...args);
};
