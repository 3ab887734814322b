"use client";

import { useMutation } from "@tanstack/react-query";
import type { ActionError, ActionResult } from "@/lib/actions/define-action";

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
  const error = mutation.error
    ? mutation.error instanceof ActionFailure
      ? mutation.error.error
      : NETWORK_ERROR
    : undefined;
  return {
    run: mutation.mutate,
    runAsync: mutation.mutateAsync,
    pending: mutation.isPending,
    error,
    /** The first message for a field, if the last run failed on it. */
    fieldError: (name: string) => error?.fieldErrors?.[name]?.[0],
    /** A message for errors that belong to no listed field. */
    formError: (fields: string[]) =>
      error && !fields.some((f) => error.fieldErrors?.[f]?.length) ? error.message : undefined,
    reset: mutation.reset,
  };
}
