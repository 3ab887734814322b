/** The largest request body the API reads (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

const utf8 = new TextDecoder();
const tooLarge = { ok: false as const, message: `The body is larger than ${MAX_BODY_BYTES} bytes.` };

/**
 * Reads a JSON body with a size cap; a clear message instead of an exception when it is
 * not JSON. The cap holds for bodies without a Content-Length too (chunked): reading
 * stops, and the stream is cancelled, as soon as it is passed.
 */
export async function readJsonBody(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) return { ok: false, message: "Send the body as JSON with Content-Type: application/json." };
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return tooLarge;
  if (!request.body) return { ok: false, message: "The body is not valid JSON." };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      return tooLarge;
    }
    chunks.push(value);
  }
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  try {
    return { ok: true, value: JSON.parse(utf8.decode(bytes)) };
  } catch {
    return { ok: false, message: "The body is not valid JSON." };
  }
}
