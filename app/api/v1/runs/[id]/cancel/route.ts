import { cancelRun } from "@/lib/api/handlers/cancel-run";
import { apiRoute } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

export const POST = apiRoute(cancelRun);
