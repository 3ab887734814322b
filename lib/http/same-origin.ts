import "server-only";
import { isAppOrigin } from "./app-origin";

/**
 * CSRF guard for cookie-authenticated route handlers (server actions get Next's own
 * check): a state-changing request must come from a page of this site, by its Origin
 * header against the configured origins (not the Host header, which a client sets).
 */
export function isSameOrigin(request: Request): boolean {
  return isAppOrigin(request.headers.get("origin"));
}
