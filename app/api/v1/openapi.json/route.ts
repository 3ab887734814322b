import { openApiDocument } from "@/lib/api/openapi";
import { env } from "@/lib/env";
import { jsonResponse } from "@/lib/api/json-response";

export const dynamic = "force-dynamic";

/** The API's OpenAPI 3.1 document, public (it holds no secrets). */
export function GET(request: Request) {
  return jsonResponse(openApiDocument(env.APP_URL ?? new URL(request.url).origin), {
    headers: { "access-control-allow-origin": "*", "cache-control": "public, max-age=300" },
  });
}
