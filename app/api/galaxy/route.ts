import { problemFromError } from "@/lib/api/problem";
import { getDb } from "@/lib/db";
import { publicGalaxyJson } from "@/lib/galaxy/data";

export const dynamic = "force-dynamic";

/** The public agent galaxy: published agents, their runs and ratings, and links between agents bought together. */
export async function GET() {
  try {
    return new Response(await publicGalaxyJson(await getDb()), {
      headers: { "content-type": "application/json", "cache-control": "public, max-age=30" },
    });
  } catch (error) {
    return problemFromError(error, undefined, "session");
  }
}
