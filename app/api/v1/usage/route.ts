import { getDb } from "@/db/client";
import { getUsage } from "@/lib/api/handlers/get-usage";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return getUsage(await getDb(), request);
}
