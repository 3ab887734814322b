import "server-only";
import type { Db } from "@/db/client";
import { getDb } from "@/lib/db";
import { problemFromError } from "@/lib/api/problem";
import { readJsonBody } from "@/lib/api/request";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { isSameOrigin } from "./same-origin";

export type SessionContext<P> = {
  db: Db;
  request: Request;
  user: SessionUser;
  params: P;
  /** The JSON body, read once with the same 1 MiB cap as the API (413, 415 and 400 are thrown). */
  body: () => Promise<unknown>;
};

const SAFE_METHODS = new Set(["GET", "HEAD"]);

/**
 * The one wrapper of session route handlers (the playground stream, dashboards, the live
 * stream): a same-origin check of every request that changes something (CSRF), the signed-in user (401), the body cap, and the same problem details as the API
 * for whatever the handler throws.
 */
export function withSession<P extends object>(handler: (ctx: SessionContext<P>) => Promise<Response>) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    try {
      // Reads change nothing, and another site cannot read the answer (no CORS headers).
      if (!SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
        throw new AppError("FORBIDDEN", "Cross-site request refused.");
      }
      const user = await getSessionUser();
      if (!user) throw new AppError("UNAUTHORIZED");
      let body: Promise<unknown> | undefined;
      return await handler({
        db: await getDb(),
        request,
        user,
        params: await context.params,
        body: () => (body ??= readJsonBody(request)),
      });
    } catch (error) {
      return problemFromError(error, undefined, "session");
    }
  };
}
