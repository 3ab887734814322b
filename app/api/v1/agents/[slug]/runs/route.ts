import { createRun } from "@/lib/api/handlers/create-run";
import { apiRoute } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

export const POST = apiRoute(createRun);
