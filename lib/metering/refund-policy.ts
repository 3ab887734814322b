/**
 * Error codes that mean the platform failed the run, not the agent: the organisation gets
 * its credit back. An agent's own failures (its code throws or times out, its output breaks
 * its schema, a tool it chose fails) are charged: the run happened.
 */
export const REFUNDED_ERROR_CODES: ReadonlySet<string> = new Set([
  "INTERNAL",
  "PROVIDER_ERROR",
  "PROVIDER_NOT_CONFIGURED",
  "MODEL_NOT_ALLOWED",
  "SANDBOX_BUSY",
  "RUN_INTERRUPTED",
  // Cancelled by its organisation before a worker started it: nothing ran.
  "CANCELLED",
]);

/** Whether a run that ended with this error code gets its credit back. */
export function isRefunded(errorCode: string | null): boolean {
  return errorCode !== null && REFUNDED_ERROR_CODES.has(errorCode);
}
