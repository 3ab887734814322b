import "server-only";
import { z } from "zod";
import type { Db } from "@/db/client";
import { getDb } from "@/lib/db";
import { requireUser, type SessionUser } from "@/lib/auth/session";
import { errorCodes, isAppError, type ErrorCode, type FieldErrors } from "@/lib/errors";
import { describeError } from "@/lib/log";

export type ActionError = { code: ErrorCode; message: string; fieldErrors?: FieldErrors };
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

type Handler<S extends z.ZodType, C, T> = (input: z.output<S>, ctx: C) => Promise<T>;

/** Turns anything thrown into the error shape a client may see; unknown errors are logged. */
export function toActionError(error: unknown, action: string): ActionError {
  if (error instanceof z.ZodError) {
    const fieldErrors = z.flattenError(error).fieldErrors as FieldErrors;
    return { code: "INVALID_INPUT", message: errorCodes.INVALID_INPUT.message, fieldErrors };
  }
  if (isAppError(error)) {
    if (error.cause) console.warn(`[action ${action}] ${error.code}: ${describeError(error.cause)}`);
    return { code: error.code, message: error.message, fieldErrors: error.fieldErrors };
  }
  console.error(`[action ${action}] unexpected error: ${describeError(error)}`);
  return { code: "INTERNAL", message: errorCodes.INTERNAL.message };
}

async function run<T>(name: string, fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (error) {
    return { ok: false, error: toActionError(error, name) };
  }
}

/**
 * A public server action: validate the input with `schema`, run the handler, and return
 * `{ ok, data | error }`. Nothing is thrown across the boundary.
 */
export function defineAction<S extends z.ZodType, T>(name: string, schema: S, handler: Handler<S, { db: Db }, T>) {
  return async (input: z.input<S>): Promise<ActionResult<T>> =>
    run(name, async () => handler(schema.parse(input), { db: await getDb() }));
}

/**
 * A server action for signed-in users: session first (UNAUTHORIZED without one), then
 * validation, then the handler, which must scope every query by `ctx.user.id`.
 */
export function defineAuthAction<S extends z.ZodType, T>(
  name: string,
  schema: S,
  handler: Handler<S, { db: Db; user: SessionUser }, T>,
) {
  return async (input: z.input<S>): Promise<ActionResult<T>> =>
    run(name, async () => {
      const user = await requireUser();
      const parsed = schema.parse(input);
      return handler(parsed, { db: await getDb(), user });
    });
}
