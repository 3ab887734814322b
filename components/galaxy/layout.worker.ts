/// <reference lib="webworker" />
import { layoutGalaxy, type LayoutAgent, type LayoutLink } from "@/lib/galaxy/layout";

/** Lays the galaxy out off the main thread; the typed arrays are handed back without a copy. */
self.onmessage = (event: MessageEvent<{ agents: LayoutAgent[]; links: LayoutLink[] }>) => {
  const layout = layoutGalaxy(event.data.agents, event.data.links);
  (self as unknown as Worker).postMessage(layout, [
    layout.positions.buffer,
    layout.radii.buffer,
    layout.centres.buffer,
  ]);
};
