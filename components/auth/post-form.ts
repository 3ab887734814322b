"use client";

export type FormProblem = { message: string; fieldErrors: Record<string, string[] | undefined> };

/**
 * Posts a sign-in or sign-up form as JSON to its route (the same route the form posts to
 * without scripts). Returns where to go next, or the problem to show.
 */
export async function postForm(
  action: string,
  fields: Record<string, string>,
): Promise<{ redirectTo: string } | { problem: FormProblem }> {
  let response: Response;
  try {
    response = await fetch(action, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(fields),
    });
  } catch {
    return {
      problem: { message: "Could not reach the server. Check your connection and try again.", fieldErrors: {} },
    };
  }
  const body = (await response.json().catch(() => null)) as {
    redirectTo?: string;
    detail?: string;
    errors?: Record<string, string[]>;
  } | null;
  if (response.ok && body?.redirectTo) return { redirectTo: body.redirectTo };
  return {
    problem: { message: body?.detail ?? "Something went wrong. Try again.", fieldErrors: body?.errors ?? {} },
  };
}
