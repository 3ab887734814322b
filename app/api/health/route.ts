import { getDbHandle } from "@/lib/db";
import { pingDatabase } from "@/db/queries/health";
import { describeError } from "@/lib/log";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, for load balancers and the test harness. */
export async function GET() {
  try {
    const handle = await getDbHandle();
    await pingDatabase(handle.db);
    return Response.json({ status: "ok", database: handle.kind });
  } catch (error) {
    console.error(`[health] database check failed: ${describeError(error)}`);
    return Response.json({ status: "error", database: "unreachable" }, { status: 503 });
  }
}
