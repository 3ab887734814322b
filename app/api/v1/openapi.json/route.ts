import { openApiDocument } from "@/lib/api/openapi";
import { appOrigin } from "@/lib/http/app-origin";
import { jsonResponse } from "@/lib/api/json-response";

export const dynamic = "force-dynamic";

/** The API's OpenAPI 3.1 document, public (it holds no secrets). */
/** The server URL comes from configuration, never from the request's Host header. */
export function GET() {
  return jsonResponse(openApiDocument(appOrigin()), {
    headers: { "access-control-allow-origin": "*", "cache-control": "public, max-age=300" },
  });
}
