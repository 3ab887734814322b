// Loaded into the server process with `node --import` (scripts/start.ts, bench/server.ts).
// Before Next sees a request, this sets X-Forwarded-For to the one client address the app
// may trust, and drops X-Forwarded-Host and -Proto that a client sent: Next keeps any
// X-Forwarded-* header it receives, so without this a client could name any address
// (and escape per-address throttles) or any host. TRUSTED_PROXIES is how many proxies
// of ours stand in front (each appends the address it saw); 0, the default, trusts none.
import { subscribe } from "node:diagnostics_channel";

const hops = Math.max(0, Number.parseInt(process.env.TRUSTED_PROXIES ?? "0", 10) || 0);

subscribe("http.server.request.start", ({ request, socket }) => {
  const headers = request.headers;
  const forwarded = hops && typeof headers["x-forwarded-for"] === "string" ? headers["x-forwarded-for"].split(",") : [];
  const chain = [...forwarded.map((part) => part.trim()).filter(Boolean), socket.remoteAddress ?? "unknown"];
  // The address the outermost trusted proxy saw; with no proxy, the socket's own peer.
  headers["x-forwarded-for"] = chain[Math.max(0, chain.length - 1 - hops)];
  if (!hops) {
    delete headers["x-forwarded-host"];
    delete headers["x-forwarded-proto"];
  }
});
