import { getDb } from "@/db/client";
import { getReceipt } from "@/lib/api/handlers/get-receipt";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return getReceipt(await getDb(), request, (await params).id);
}
