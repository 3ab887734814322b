import { listAgents } from "@/lib/api/handlers/list-agents";
import { apiRoute } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

export const GET = apiRoute(listAgents);
