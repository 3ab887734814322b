import { jsonResponse } from "@/lib/api/json-response";
import { AppError, type ErrorCode } from "@/lib/errors";
import { describeError } from "@/lib/log";

/**
 * The public API's problem types (RFC 9457). Each `type` is a stable URI reference into
 * the API docs; clients branch on it, never on `title` or `detail`.
 */
export const problemTypes = {
  "invalid-api-key": { status: 401, title: "Missing or invalid API key" },
  unauthorized: { status: 401, title: "Sign in to continue" },
  forbidden: { status: 403, title: "Not allowed" },
  "out-of-scope": { status: 403, title: "The API key may not use this agent" },
  "account-suspended": { status: 403, title: "The account is suspended" },
  "agent-unlisted": { status: 403, title: "The agent is unlisted" },
  "payment-required": { status: 402, title: "No run credits left" },
  "not-found": { status: 404, title: "Not found" },
  "idempotency-conflict": { status: 409, title: "Idempotency-Key reused with a different request" },
  "not-cancellable": { status: 409, title: "The run has ended and can no longer be cancelled" },
  "malformed-request": { status: 400, title: "The body is not valid JSON" },
  "payload-too-large": { status: 413, title: "The body is too large" },
  "unsupported-media-type": { status: 415, title: "The body must be JSON" },
  "invalid-request": { status: 422, title: "The request is invalid" },
  "rate-limited": { status: 429, title: "Too many requests" },
  "monthly-cap-reached": { status: 429, title: "The API key's monthly run cap is reached" },
  internal: { status: 500, title: "Internal error" },
  unavailable: { status: 503, title: "Service unavailable" },
} as const;

export type ProblemType = keyof typeof problemTypes;

export const problemTypeUri = (type: ProblemType) => `/docs/api#problem-${type}`;

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
};

/** A problem+json response of one of the documented types. */
export function problemResponse(
  type: ProblemType,
  detail?: string,
  options: { headers?: HeadersInit; extensions?: Record<string, unknown>; instance?: string } = {},
): Response {
  const { status, title } = problemTypes[type];
  const body: Problem = {
    type: problemTypeUri(type),
    title,
    status,
    ...(detail ? { detail } : {}),
    ...(options.instance ? { instance: options.instance } : {}),
    ...options.extensions,
  };
  const headers = new Headers(options.headers);
  headers.set("cache-control", "no-store");
  return jsonResponse(body, { status, headers }, "application/problem+json");
}

const byCode: Partial<Record<ErrorCode, ProblemType>> = {
  UNAUTHORIZED: "invalid-api-key",
  FORBIDDEN: "out-of-scope",
  NOT_FOUND: "not-found",
  ACCOUNT_SUSPENDED: "account-suspended",
  AGENT_UNLISTED: "agent-unlisted",
  INVALID_INPUT: "invalid-request",
  MALFORMED_REQUEST: "malformed-request",
  PAYLOAD_TOO_LARGE: "payload-too-large",
  UNSUPPORTED_MEDIA_TYPE: "unsupported-media-type",
  CONFLICT: "idempotency-conflict",
  RATE_LIMITED: "rate-limited",
  MONTHLY_CAP_REACHED: "monthly-cap-reached",
  PAYMENT_REQUIRED: "payment-required",
  CHAIN_UNAVAILABLE: "unavailable",
  SANDBOX_BUSY: "unavailable",
};

/** Session routes (the playground) speak of the signed-in user, not of API keys. */
const sessionCodes: Partial<Record<ErrorCode, ProblemType>> = {
  ...byCode,
  UNAUTHORIZED: "unauthorized",
  FORBIDDEN: "forbidden",
};

/**
 * Maps an error thrown inside a handler to a problem response; unknown errors are logged
 * (without data, see lib/log.ts) and hidden. The one translation for both kinds of route.
 */
export function problemFromError(
  error: unknown,
  headers?: HeadersInit,
  transport: "api" | "session" = "api",
): Response {
  if (error instanceof AppError) {
    const type = (transport === "api" ? byCode : sessionCodes)[error.code];
    if (type) {
      const withRetry = new Headers(headers);
      if (error.retryAfterSeconds) withRetry.set("Retry-After", String(error.retryAfterSeconds));
      return problemResponse(type, error.message, {
        headers: withRetry,
        extensions: error.fieldErrors ? { errors: error.fieldErrors } : undefined,
      });
    }
  }
  console.error(`[api] unexpected error: ${describeError(error)}`);
  return problemResponse("internal", "Something went wrong on our side. The request can be retried.", { headers });
}
