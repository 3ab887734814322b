import { runEventsStream } from "@/lib/api/handlers/run-events";
import { apiRoute } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

export const GET = apiRoute(runEventsStream);
