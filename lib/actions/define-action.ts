import "server-only";
import { z } from "zod";
import type { Db } from "@/db/client";
import { getDb } from "@/lib/db";
import { requireOperator } from "@/lib/auth/operator";
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
 * A server action called two ways: with its typed input (from a script), or as a form's
 * action, `(previous, form)`, the shape React's `useActionState` uses, which also works
 * before the page's scripts load (the browser posts the form; the page renders the result).
 */
export type Action<I, T> = {
  (previous: unknown, form: FormData): Promise<ActionResult<T>>;
  (input: I): Promise<ActionResult<T>>;
};

/** How a form's fields become the action's input; by default each field's text. */
type Options<S extends z.ZodType> = { fromForm?: (form: FormData) => z.input<S> };

/** A submitted form's text fields, without React's own `$ACTION…` fields; a repeated name keeps its first value. */
export function formFields(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of form) {
    if (typeof value === "string" && !name.startsWith("$ACTION") && !(name in fields)) fields[name] = value;
  }
  return fields;
}

function inputOf<S extends z.ZodType>(args: unknown[], options: Options<S>): unknown {
  const form = args[1];
  if (!(form instanceof FormData)) return args[0];
  return options.fromForm ? options.fromForm(form) : formFields(form);
}

/**
 * A public server action: validate the input with `schema`, run the handler, and return
 * `{ ok, data | error }`. Nothing is thrown across the boundary.
 */
export function defineAction<S extends z.ZodType, T>(
  name: string,
  schema: S,
  handler: Handler<S, { db: Db }, T>,
  options: Options<S> = {},
): Action<z.input<S>, T> {
  return async (...args: unknown[]) =>
    run(name, async () => handler(schema.parse(inputOf(args, options)), { db: await getDb() }));
}

/** A signed-in action: session first (UNAUTHORIZED without one), then `check`, then validation and the handler. */
function defineSignedIn<S extends z.ZodType, T>(
  name: string,
  schema: S,
  handler: Handler<S, { db: Db; user: SessionUser }, T>,
  options: Options<S>,
  check?: (db: Db, user: SessionUser) => Promise<void>,
): Action<z.input<S>, T> {
  return async (...args: unknown[]) =>
    run(name, async () => {
      const user = await requireUser();
      const db = await getDb();
      if (check) await check(db, user);
      return handler(schema.parse(inputOf(args, options)), { db, user });
    });
}

/**
 * A server action for signed-in users: session first (UNAUTHORIZED without one), then
 * validation, then the handler, which must scope every query by `ctx.user.id`.
 */
export function defineAuthAction<S extends z.ZodType, T>(
  name: string,
  schema: S,
  handler: Handler<S, { db: Db; user: SessionUser }, T>,
  options: Options<S> = {},
): Action<z.input<S>, T> {
  return defineSignedIn(name, schema, handler, options);
}

/**
 * A server action for the platform's operators (lib/auth/operator.ts): session first, then
 * NOT_FOUND for anyone who is not an operator (the console is not advertised), then
 * validation and the handler, which writes its audit entry with its change.
 */
export function defineOperatorAction<S extends z.ZodType, T>(
  name: string,
  schema: S,
  handler: Handler<S, { db: Db; user: SessionUser }, T>,
  options: Options<S> = {},
): Action<z.input<S>, T> {
  return defineSignedIn(name, schema, handler, options, (db, user) => requireOperator(db, user.id));
}
