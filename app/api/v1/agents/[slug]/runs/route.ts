import { getDb } from "@/db/client";
import { createRun } from "@/lib/api/handlers/create-run";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  return createRun(await getDb(), request, (await params).slug);
}
