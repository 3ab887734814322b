import { getUsage } from "@/lib/api/handlers/get-usage";
import { apiRoute } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

export const GET = apiRoute(getUsage);
