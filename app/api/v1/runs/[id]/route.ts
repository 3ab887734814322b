import { getDb } from "@/db/client";
import { getRun } from "@/lib/api/handlers/get-run";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return getRun(await getDb(), request, (await params).id);
}
