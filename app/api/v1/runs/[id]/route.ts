import { getRun } from "@/lib/api/handlers/get-run";
import { apiRoute } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

export const GET = apiRoute(getRun);
