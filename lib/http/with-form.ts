import "server-only";
import { NextResponse } from "next/server";
import { z } from "zod";
import type { Db } from "@/db/client";
import { problemFromError } from "@/lib/api/problem";
import { isJsonRequest, readBodyText } from "@/lib/api/request";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { getDb } from "@/lib/db";
import { AppError, errorCodes, isAppError, type FieldErrors } from "@/lib/errors";
import { clientAddress } from "./client-address";
import { isSameOrigin } from "./same-origin";

/** Form bodies are small: a few fields. */
const MAX_FORM_BYTES = 16 * 1024;

type Cookie = { name: string; value: string } & Record<string, unknown>;

export type FormContext = {
  db: Db;
  request: Request;
  /** The submitted fields (URL-encoded form or JSON object), as strings. */
  fields: Record<string, string>;
  /** The client's address (lib/http/client-address.ts), for per-address throttles. */
  address: string;
};

/**
 * The one wrapper of public form routes (sign-in, sign-up). A form posts here without any
 * script (the browser follows a 303 to `redirectTo`, or back to `errorPage?error=…`); the
 * page's script posts JSON instead and gets `{ redirectTo }` or a problem (401, 422, 429
 * with Retry-After). Both are refused (403) from another site; secrets travel in the body.
 */
export function withForm(
  errorPage: string,
  handler: (ctx: FormContext) => Promise<{ redirectTo: string; cookies?: Cookie[] }>,
) {
  return async (request: Request): Promise<Response> => {
    const json = isJsonRequest(request);
    let fields: Record<string, string> = {};
    try {
      if (!isSameOrigin(request)) throw new AppError("FORBIDDEN", "Cross-site request refused.");
      fields = await readFields(request, json);
      const result = await handler({ db: await getDb(), request, fields, address: clientAddress(request.headers) });
      const response = json
        ? NextResponse.json({ redirectTo: result.redirectTo })
        : new NextResponse(null, { status: 303, headers: { location: result.redirectTo } });
      for (const cookie of result.cookies ?? []) response.cookies.set(cookie);
      response.headers.set("cache-control", "no-store");
      return response;
    } catch (caught) {
      const error = caught instanceof z.ZodError ? invalidInput(caught) : caught;
      if (json || !isAppError(error)) return problemFromError(error, undefined, "session");
      const back = new URLSearchParams({ error: error.code });
      if (error.retryAfterSeconds) back.set("retryAfter", String(error.retryAfterSeconds));
      back.set("callbackUrl", safeCallbackUrl(fields.callbackUrl));
      return new NextResponse(null, { status: 303, headers: { location: `${errorPage}?${back}` } });
    }
  };
}

async function readFields(request: Request, json: boolean): Promise<Record<string, string>> {
  const type = request.headers.get("content-type") ?? "";
  if (!json && !/^application\/x-www-form-urlencoded\b/i.test(type)) throw new AppError("UNSUPPORTED_MEDIA_TYPE");
  const text = await readBodyText(request, MAX_FORM_BYTES);
  let entries: [string, unknown][];
  if (json) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError("MALFORMED_REQUEST");
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new AppError("MALFORMED_REQUEST");
    entries = Object.entries(body);
  } else entries = [...new URLSearchParams(text)];
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

function invalidInput(error: z.ZodError): AppError {
  const fieldErrors = z.flattenError(error).fieldErrors as FieldErrors;
  const first = Object.values(fieldErrors).flat()[0];
  return new AppError("INVALID_INPUT", first ?? errorCodes.INVALID_INPUT.message, { fieldErrors });
}
