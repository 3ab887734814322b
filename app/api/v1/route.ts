import { jsonResponse } from "@/lib/api/json-response";

export const dynamic = "force-dynamic";

/** The API's index: where the reference and the OpenAPI document are. No key needed. */
export function GET() {
  return jsonResponse({
    name: "AI Nomads API",
    version: "1",
    openapi: "/api/v1/openapi.json",
    docs: "/docs/api",
    authentication: "Authorization: Bearer <organisation API key>",
  });
}
