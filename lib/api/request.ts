/** The largest request body the API reads (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON body with a size cap; a clear message instead of an exception when it is not JSON. */
export async function readJsonBody(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) return { ok: false, message: "Send the body as JSON with Content-Type: application/json." };
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return { ok: false, message: `The body is larger than ${MAX_BODY_BYTES} bytes.` };
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { ok: false, message: `The body is larger than ${MAX_BODY_BYTES} bytes.` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, message: "The body is not valid JSON." };
  }
}
