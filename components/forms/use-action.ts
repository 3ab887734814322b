"use client";

import { useMutation } from "@tanstack/react-query";
import { useActionState, type FormEvent } from "react";
import type { Action, ActionError, ActionResult } from "@/lib/actions/define-action";

class ActionFailure extends Error {
  constructor(readonly error: ActionError) {
    super(error.message);
  }
}

const NETWORK_ERROR: ActionError = {
  code: "INTERNAL",
  message: "Could not reach the server. Check your connection and try again.",
};

/**
 * Runs a server action through a TanStack Query mutation: pending state, and the
 * action's `{ ok: false }` result surfaced as `error` with per-field messages.
 */
export function useAction<I, T>(
  action: (input: I) => Promise<ActionResult<T>>,
  options: { onSuccess?: (data: T, input: I) => void | Promise<void> } = {},
) {
  const mutation = useMutation({
    mutationFn: async (input: I) => {
      const result = await action(input);
      if (!result.ok) throw new ActionFailure(result.error);
      return result.data;
    },
    onSuccess: options.onSuccess,
  });
  const error = mutation.error ? failureOf(mutation.error) : undefined;
  return {
    run: mutation.mutate,
    runAsync: mutation.mutateAsync,
    pending: mutation.isPending,
    /** The last run's result, when it succeeded. */
    data: mutation.data,
    ...errorHelpers(error),
    reset: mutation.reset,
  };
}

function failureOf(error: Error): ActionError {
  return error instanceof ActionFailure ? error.error : NETWORK_ERROR;
}

function errorHelpers(error: ActionError | undefined) {
  return {
    error,
    /** The first message for a field, if the last run failed on it. */
    fieldError: (name: string) => error?.fieldErrors?.[name]?.[0],
    /** A message for errors that belong to no listed field. */
    formError: (fields: string[]) =>
      error && !fields.some((f) => error.fieldErrors?.[f]?.length) ? error.message : undefined,
  };
}

/**
 * A form bound to a server action that works before the page's scripts load and after.
 * Spread `form` on the `<form>` and give every input a `name`. Before the scripts load the
 * browser posts the form to the action and the page comes back rendered with its result
 * (React's `useActionState`); once they have loaded, submitting runs the same action
 * through a TanStack Query mutation with the form's fields (the inputs keep their values
 * on an error) and calls `onSuccess`. `data` is the last success, either way.
 */
export function useFormAction<T>(
  action: Action<never, T>,
  options: { onSuccess?: (data: T, form: HTMLFormElement) => void | Promise<void> } = {},
) {
  const [posted, formAction] = useActionState<ActionResult<T> | null, FormData>(action, null);
  const mutation = useMutation({
    mutationFn: async ({ fields }: { fields: FormData; element: HTMLFormElement }) => {
      const result = await action(null, fields);
      if (!result.ok) throw new ActionFailure(result.error);
      return result.data;
    },
    onSuccess: (data, { element }) => options.onSuccess?.(data, element),
  });
  // Until the script has run the action once, show what the posted form returned.
  const last: ActionResult<T> | null = mutation.isIdle
    ? posted
    : mutation.isSuccess
      ? { ok: true, data: mutation.data }
      : mutation.error
        ? { ok: false, error: failureOf(mutation.error) }
        : null;
  return {
    form: {
      action: formAction,
      noValidate: true,
      onSubmit: (event: FormEvent<HTMLFormElement>) => {
        event.preventDefault();
        mutation.mutate({ fields: new FormData(event.currentTarget), element: event.currentTarget });
      },
    },
    pending: mutation.isPending,
    data: last?.ok ? last.data : undefined,
    ...errorHelpers(last && !last.ok ? last.error : undefined),
    reset: mutation.reset,
  };
}
