"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { fetchDashboard } from "@/components/dashboards/dashboard-params";
import { Button } from "@/components/ui/button";
import type { Galaxy } from "@/lib/galaxy/data";
import { queryKeys } from "@/lib/query-keys";
import { GalaxyList } from "./galaxy-list";

/** The three.js scene is its own chunk, fetched only when a galaxy is shown in 3D. */
const GalaxyScene = dynamic(() => import("./galaxy-scene"), {
  ssr: false,
  loading: () => <SceneMessage>Loading the 3D view…</SceneMessage>,
});

const PULSE_POLL_MS = 2_000;

export type PulseListener = (agentIds: string[]) => void;
export type SubscribePulses = (listener: PulseListener) => () => void;

type Why = "no-webgl" | "reduced-motion" | "chosen";

let webgl: boolean | undefined;
/** Whether this browser can draw WebGL (asked once: it does not change). */
function hasWebgl(): boolean {
  if (webgl === undefined) {
    try {
      const canvas = document.createElement("canvas");
      const gl = canvas.getContext("webgl2") ?? canvas.getContext("webgl");
      gl?.getExtension("WEBGL_lose_context")?.loseContext();
      webgl = gl !== null;
    } catch {
      webgl = false;
    }
  }
  return webgl;
}

const REDUCED_MOTION = "(prefers-reduced-motion: reduce)";

/** Why the scene cannot be shown here (null when it can), following a change of the motion setting. */
function useListReason(): Why | null | undefined {
  return useSyncExternalStore(
    (changed) => {
      const query = window.matchMedia(REDUCED_MOTION);
      query.addEventListener("change", changed);
      return () => query.removeEventListener("change", changed);
    },
    () => (window.matchMedia(REDUCED_MOTION).matches ? "reduced-motion" : hasWebgl() ? null : "no-webgl"),
    // On the server, and in the first render that hydrates: not known yet.
    () => undefined,
  );
}

const reasons: Record<Why, string> = {
  "no-webgl": "Your browser cannot draw WebGL, so the galaxy is shown as a list.",
  "reduced-motion": "You prefer reduced motion, so the galaxy is shown as a list.",
  chosen: "",
};

/**
 * Asks /api/galaxy/pulses every two seconds (while the tab is visible) which agents ran,
 * and tells the scene's listeners.
 */
function usePulseFeed(enabled: boolean): SubscribePulses {
  const listeners = useRef(new Set<PulseListener>());
  useEffect(() => {
    if (!enabled) return;
    let after: number | undefined;
    let stopped = false;
    const tick = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const response = await fetch(`/api/galaxy/pulses${after === undefined ? "" : `?after=${after}`}`);
        if (!response.ok || stopped) return;
        const body = (await response.json()) as { next: number; agentIds: string[] };
        after = body.next;
        if (body.agentIds.length) for (const listener of listeners.current) listener(body.agentIds);
      } catch {
        // Offline for a moment: the next tick asks again.
      }
    };
    void tick();
    const timer = setInterval(tick, PULSE_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [enabled]);
  return useCallback((listener) => {
    listeners.current.add(listener);
    return () => listeners.current.delete(listener);
  }, []);
}

/**
 * The agent galaxy: published agents as bodies sized by their runs and coloured by rating,
 * clustered by category, linked when the same organisations bought both; runs pulse as
 * they happen. A keyboard-navigable list instead without WebGL or with reduced motion, or
 * when the viewer asks for it. `scope` picks the public galaxy or the creator's own agents.
 */
export function AgentGalaxy({ scope, height = 560 }: { scope: "public" | "creator"; height?: number }) {
  const query = useQuery({
    queryKey: queryKeys.galaxy(scope),
    queryFn: () => fetchDashboard<Galaxy>(scope === "public" ? "/api/galaxy" : "/api/dashboard/creator/galaxy", {}),
  });
  const detected = useListReason();
  const [asList, setAsList] = useState(false);
  const why: Why | null | undefined = detected === null && asList ? "chosen" : detected;
  const subscribe = usePulseFeed(why === null);
  const data = query.data;

  if (query.isError) return <SceneMessage height={height}>{(query.error as Error).message}</SceneMessage>;
  if (!data || why === undefined) return <SceneMessage height={height}>Loading the galaxy…</SceneMessage>;
  if (data.agents.length === 0)
    return <SceneMessage height={height}>No published agents yet: once one is published it appears here.</SceneMessage>;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-muted-foreground">
        <p>
          {data.agents.length} agents · size: runs in the last {data.runDays} days · colour: average rating · lines:
          bought by the same organisations
        </p>
        {why === null ? (
          <Button type="button" variant="outline" size="sm" onClick={() => setAsList(true)}>
            Show as list
          </Button>
        ) : why === "chosen" ? (
          <Button type="button" variant="outline" size="sm" onClick={() => setAsList(false)}>
            Show in 3D
          </Button>
        ) : null}
      </div>
      {why === null ? (
        <GalaxyScene galaxy={data} subscribe={subscribe} height={height} />
      ) : (
        <>
          {reasons[why] ? <p className="text-sm">{reasons[why]}</p> : null}
          <GalaxyList galaxy={data} />
        </>
      )}
    </div>
  );
}

function SceneMessage({ children, height = 560 }: { children: React.ReactNode; height?: number }) {
  return (
    <div
      className="flex items-center justify-center rounded-lg border bg-slate-950 p-6 text-center text-sm text-slate-300"
      style={{ minHeight: Math.min(height, 320) }}
      role="status"
    >
      {children}
    </div>
  );
}
