/** Stable error codes shared by every transport (server actions, HTTP API). */
export const errorCodes = {
  UNAUTHORIZED: { status: 401, message: "Please sign in to continue." },
  FORBIDDEN: { status: 403, message: "You do not have permission to do that." },
  NOT_FOUND: { status: 404, message: "Not found." },
  ACCOUNT_SUSPENDED: { status: 403, message: "This account is suspended by the platform's operators." },
  AGENT_UNLISTED: { status: 403, message: "This agent was unlisted by the platform's operators." },
  INVALID_INPUT: { status: 422, message: "Some fields need attention." },
  MALFORMED_REQUEST: { status: 400, message: "The request body is not valid JSON." },
  PAYLOAD_TOO_LARGE: { status: 413, message: "The request body is too large." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Send the body as JSON with Content-Type: application/json." },
  CONFLICT: { status: 409, message: "That conflicts with existing data." },
  RATE_LIMITED: { status: 429, message: "Too many requests. Try again shortly." },
  PAYMENT_REQUIRED: { status: 402, message: "No run credits left." },
  MONTHLY_CAP_REACHED: { status: 429, message: "This API key has used its monthly run cap." },
  AGENT_FAILED: { status: 422, message: "The agent failed." },
  AGENT_TIMEOUT: { status: 504, message: "The agent ran out of time." },
  PROVIDER_NOT_CONFIGURED: {
    status: 503,
    message: "No model provider is configured for this agent's model.",
  },
  PROVIDER_ERROR: { status: 502, message: "The model provider returned an error." },
  MODEL_NOT_ALLOWED: { status: 422, message: "This model is not offered on this platform." },
  SANDBOX_BUSY: { status: 503, message: "The sandbox is busy. Try again in a few seconds." },
  RUN_INTERRUPTED: { status: 500, message: "The run was interrupted by a platform restart." },
  CANCELLED_RUNNING: { status: 409, message: "The run was cancelled by its organisation while it ran." },
  OUTPUT_INVALID: { status: 422, message: "The agent's output does not match its output schema." },
  TOOL_FAILED: { status: 422, message: "A tool the agent called failed." },
  WALLET_REJECTED: { status: 400, message: "The request was rejected in the wallet." },
  WRONG_CHAIN: { status: 400, message: "The wallet is connected to the wrong chain." },
  INSUFFICIENT_FUNDS: { status: 402, message: "The wallet does not hold enough funds for this transaction." },
  CONTRACT_REVERTED: { status: 422, message: "The contract refused the transaction." },
  CHAIN_UNAVAILABLE: { status: 503, message: "The blockchain is not reachable right now." },
  INTERNAL: { status: 500, message: "Something went wrong on our side." },
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** Field name → messages, for errors shown next to form fields. */
export type FieldErrors = Record<string, string[]>;

/**
 * The one error type of the application. `message` is safe to show to the user;
 * anything sensitive belongs in `cause`, which is logged and never shown.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: FieldErrors;
  /** For RATE_LIMITED and busy errors: seconds until a retry may succeed (Retry-After). */
  readonly retryAfterSeconds?: number;

  constructor(
    code: ErrorCode,
    message: string = errorCodes[code].message,
    options: { cause?: unknown; fieldErrors?: FieldErrors; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = options.fieldErrors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return errorCodes[this.code].status;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Shorthand for an INVALID_INPUT error attached to one field. */
export function fieldError(field: string, message: string): AppError {
  return new AppError("INVALID_INPUT", message, { fieldErrors: { [field]: [message] } });
}

/** Postgres unique-violation detection that works for pg and PGlite errors. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { code?: string; constraint?: string; cause?: unknown };
    if (e.code === "23505") return constraint ? e.constraint === constraint : true;
    current = e.cause;
  }
  return false;
}
