import { getReceipt } from "@/lib/api/handlers/get-receipt";
import { apiRoute } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

export const GET = apiRoute(getReceipt);
