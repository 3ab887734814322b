import { withSession } from "@/lib/http/with-session";
import { liveAudience } from "@/lib/live/audience";
import { liveStream } from "@/lib/live/stream";

/**
 * Live updates for an open dashboard (server-sent events), who may hear what decided by
 * lib/live/audience.ts. `npm start` answers this path with the lean Node handler
 * (lib/live/node-stream.ts) before Next sees it; this route serves where that is not
 * installed (`next dev`).
 */
export const GET = withSession(async ({ db, request, user }) =>
  liveStream(user.id, await liveAudience(db, user.id, new URL(request.url).searchParams), request.signal),
);
