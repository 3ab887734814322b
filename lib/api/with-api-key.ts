import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { logJson } from "@/lib/log";
import { keySource, REFUSED_STATUSES, threats } from "@/lib/security/threats";
import { authenticate, type ApiKey } from "./authenticate";
import { problemFromError, problemResponse } from "./problem";
import { readJsonBody } from "./request";

export type ApiContext<P> = {
  db: Db;
  request: Request;
  /** The authenticated key; this request is counted in its per-minute window. */
  key: ApiKey;
  /** Headers every response of this request carries (RateLimit-*); add to them freely. */
  headers: Headers;
  params: P;
  /** This request's id: the X-Request-Id of its answer, its log line, and the run it starts. */
  requestId: string;
  /** The JSON body, read once with the 1 MiB cap (413, 415 and 400 are thrown). */
  body: () => Promise<unknown>;
};

/** An API operation as the wrapper exposes it: `(db, request, params)`, which tests call directly. */
export type ApiHandler<P> = (db: Db, request: Request, params?: P) => Promise<Response>;

/**
 * The one wrapper of `/api/v1/**` route handlers: authenticates the Bearer key and counts the
 * request against its rate limit (401, 429), runs the operation, turns whatever it throws into
 * a problem response (RFC 9457), and puts the key's RateLimit-* headers on every answer. No
 * operation has an error shape of its own. A key whose requests keep being refused is blocked
 * for a while by threat detection (lib/security/threats.ts): 429 with Retry-After. Every request gets an id (X-Request-Id, kept on the
 * run it starts); with API_ACCESS_LOG it is logged as one JSON line, and a 5xx always is.
 */
export function withApiKey<P extends object = object>(
  operation: (ctx: ApiContext<P>) => Promise<Response>,
): ApiHandler<P> {
  return async (db, request, params) => {
    const requestId = randomUUID();
    const started = performance.now();
    const finish = (response: Response, key?: ApiKey) => {
      response.headers.set("X-Request-Id", requestId);
      if (key && REFUSED_STATUSES.has(response.status)) threats().record(keySource(key.id), "refused");
      if (env.API_ACCESS_LOG || response.status >= 500)
        logJson(response.status >= 500 ? "error" : "info", "api.request", {
          requestId,
          method: request.method,
          path: new URL(request.url).pathname.slice(0, 200),
          status: response.status,
          durationMs: Math.round(performance.now() - started),
          orgId: key?.orgId,
          keyId: key?.id,
        });
      return response;
    };
    let auth;
    try {
      auth = await authenticate(db, request);
    } catch (error) {
      return finish(problemFromError(error));
    }
    if (!auth.ok) return finish(auth.response);
    const blockedFor = threats().retryAfter(keySource(auth.key.id));
    if (blockedFor) {
      auth.headers.set("Retry-After", String(blockedFor));
      return finish(
        problemResponse(
          "rate-limited",
          `Too many of this key's requests were refused; it is blocked for a while. Retry after ${blockedFor} s.`,
          { headers: auth.headers },
        ),
      );
    }
    let body: Promise<unknown> | undefined;
    let response: Response;
    try {
      response = await operation({
        db,
        request,
        key: auth.key,
        headers: auth.headers,
        params: params ?? ({} as P),
        requestId,
        body: () => (body ??= readJsonBody(request)),
      });
    } catch (error) {
      response = problemFromError(error, auth.headers);
    }
    for (const [name, value] of auth.headers) if (!response.headers.has(name)) response.headers.set(name, value);
    return finish(response, auth.key);
  };
}

/** A Next.js route handler for an API operation: the app's database and the route's params. */
export function apiRoute<P extends object>(handler: ApiHandler<P>) {
  return async (request: Request, context: { params: Promise<P> }) =>
    handler(await getDb(), request, await context.params);
}
