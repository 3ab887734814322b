import { playgroundRun } from "@/lib/agents/playground-run";
import { withSession } from "@/lib/http/with-session";

export const dynamic = "force-dynamic";

export const POST = withSession(playgroundRun);
