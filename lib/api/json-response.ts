/** Bodies shorter than this (in characters) are not worth compressing: Next's own 1 KB threshold, which it cannot apply to route handlers. */
const COMPRESSION_THRESHOLD = 1024;

/**
 * A JSON response. Next streams a route handler's body without a Content-Length, so its
 * compression cannot see the size and gzips every response, even a 150-byte error, at a
 * cost (a zlib stream per response) far above the bytes it saves. Small bodies are marked
 * `Cache-Control: no-transform`, which Next's compression honours; large ones (the OpenAPI
 * document, long outputs) are still compressed.
 */
export function jsonResponse(body: unknown, init: ResponseInit = {}, contentType = "application/json"): Response {
  const text = JSON.stringify(body);
  const headers = new Headers(init.headers);
  headers.set("content-type", contentType);
  if (text.length < COMPRESSION_THRESHOLD) {
    const cacheControl = headers.get("cache-control");
    headers.set("cache-control", cacheControl ? `${cacheControl}, no-transform` : "no-transform");
  }
  return new Response(text, { ...init, headers });
}
