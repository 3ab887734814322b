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
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) throw new AppError("UNSUPPORTED_MEDIA_TYPE");
  const tooLarge = new AppError("PAYLOAD_TOO_LARGE", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge;
  if (!request.body) throw new AppError("MALFORMED_REQUEST");
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge;
    }
    chunks.push(value);
  }
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    throw new AppError("MALFORMED_REQUEST");
  }
}
