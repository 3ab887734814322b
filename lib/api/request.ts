import { AppError } from "@/lib/errors";

/** The largest request body the API and the playground read (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

const utf8 = new TextDecoder();

/**
 * Reads a JSON body with a size cap. Throws 415 (not JSON), 413 (over the cap: also for
 * bodies without a Content-Length, whose reading stops and is cancelled as soon as the cap
 * is passed) or 400 (not valid JSON), as AppErrors the transports translate.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  if (!isJsonRequest(request)) throw new AppError("UNSUPPORTED_MEDIA_TYPE");
  const text = await readBodyText(request, MAX_BODY_BYTES);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("MALFORMED_REQUEST");
  }
}

/** Whether the request's body is declared as JSON. */
export function isJsonRequest(request: Request): boolean {
  return /^application\/([\w.+-]+\+)?json\b/i.test(request.headers.get("content-type") ?? "");
}

/**
 * Reads a body as UTF-8 text, at most `maxBytes` (413 past it, also without a
 * Content-Length: reading stops and is cancelled as soon as the cap is passed).
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = new AppError("PAYLOAD_TOO_LARGE", `The body is larger than ${maxBytes} bytes.`);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge;
  if (!request.body) throw new AppError("MALFORMED_REQUEST");
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge;
    }
    chunks.push(value);
  }
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  return utf8.decode(bytes);
}
