import { jsonResponse } from "@/lib/api/json-response";
import { pulsesAfter } from "@/lib/galaxy/pulses";

export const dynamic = "force-dynamic";

/**
 * Which agents ran since `after` (the `next` of the previous answer): an open galaxy asks
 * every two seconds and pulses them. Served from memory (lib/galaxy/pulses.ts).
 */
export function GET(request: Request) {
  const raw = new URL(request.url).searchParams.get("after");
  const after = raw !== null && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
  return jsonResponse(pulsesAfter(after), { headers: { "cache-control": "no-store" } });
}
