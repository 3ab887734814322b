import { getDb } from "@/db/client";
import { listAgents } from "@/lib/api/handlers/list-agents";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return listAgents(await getDb(), request);
}
