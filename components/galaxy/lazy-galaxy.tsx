"use client";

import dynamic from "next/dynamic";

/**
 * The galaxy for pages that are about something else (the creator dashboard): its code,
 * the list fallback included, is fetched after the page has loaded, so it adds nothing to
 * the page's first-load JavaScript. The galaxy's own page imports AgentGalaxy directly.
 */
export const LazyAgentGalaxy = dynamic(() => import("./agent-galaxy").then((m) => m.AgentGalaxy), {
  ssr: false,
  loading: () => (
    <p className="rounded-lg border bg-slate-950 p-6 text-center text-sm text-slate-300" role="status">
      Loading the galaxy…
    </p>
  ),
});
