"use client";

import {
  createRoot,
  events,
  extend,
  useFrame,
  useThree,
  type ReconcilerRoot,
  type ThreeEvent,
} from "@react-three/fiber";
import { useRouter } from "next/navigation";
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import {
  AdditiveBlending,
  AmbientLight,
  BufferAttribute,
  BufferGeometry,
  Color,
  DirectionalLight,
  InstancedMesh,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  MeshStandardMaterial,
  Object3D,
  SphereGeometry,
} from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import type { Galaxy } from "@/lib/galaxy/data";
import { ratingColor } from "@/lib/galaxy/colors";
import type { Layout } from "@/lib/galaxy/layout";
import type { SubscribePulses } from "./agent-galaxy";
import { describeAgent } from "./galaxy-list";

/** Pulses drawn at once (one instanced mesh); a burst beyond it restarts the oldest. */
const MAX_PULSES = 64;
const PULSE_MS = 1_400;

// Only what the scene uses joins react-three-fiber's catalogue: its <Canvas> registers all
// of three.js, which would put every class of it in this chunk.
extend({
  AmbientLight,
  BufferGeometry,
  DirectionalLight,
  InstancedMesh,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  MeshStandardMaterial,
  SphereGeometry,
});

/**
 * A canvas with a react-three-fiber root of its own (what <Canvas> does, without
 * registering all of three.js): sized to its box, drawn on demand, with pointer events.
 */
function SceneCanvas({
  camera,
  children,
}: {
  camera: { position: [number, number, number]; far: number };
  children: ReactNode;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const root = useRef<ReconcilerRoot<HTMLCanvasElement> | null>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useEffect(() => {
    const element = canvas.current!;
    const observer = new ResizeObserver(([entry]) => {
      const { width, height } = entry!.contentRect;
      if (width > 0 && height > 0) setSize({ width, height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      root.current?.unmount();
      root.current = null;
    };
  }, []);
  const [configured, setConfigured] = useState<ReconcilerRoot<HTMLCanvasElement> | null>(null);
  useEffect(() => {
    if (!size) return;
    let cancelled = false;
    const current = (root.current ??= createRoot(canvas.current!));
    void current
      .configure({
        events,
        frameloop: "demand",
        dpr: [1, 2],
        size: { ...size, top: 0, left: 0 },
        camera: { position: camera.position, fov: 50, near: 0.5, far: camera.far },
      })
      .then(() => {
        if (!cancelled) setConfigured(current);
      });
    return () => {
      cancelled = true;
    };
  }, [size, camera]);
  // The scene's elements change with hover and focus; the root is configured once per size.
  useEffect(() => {
    configured?.render(children);
  }, [configured, children]);
  return <canvas ref={canvas} className="block h-full w-full" />;
}

/** Lays the galaxy out in a Web Worker (components/galaxy/layout.worker.ts). */
function useLayout(galaxy: Galaxy): Layout | null {
  const [layout, setLayout] = useState<Layout | null>(null);
  useEffect(() => {
    const worker = new Worker(new URL("./layout.worker.ts", import.meta.url));
    worker.onmessage = (event: MessageEvent<Layout>) => setLayout(event.data);
    worker.postMessage({
      agents: galaxy.agents.map(({ id, category, runs }) => ({ id, category, runs })),
      links: galaxy.links,
    });
    return () => worker.terminate();
  }, [galaxy]);
  return layout;
}

/**
 * The galaxy in three.js: every agent in one instanced mesh, every link in one line set,
 * pulses in one more instanced mesh, the focused agent's halo in one mesh: at most four
 * draw calls whatever the number of agents. Frames are drawn on demand (when the camera
 * moves, something is hovered, or a pulse is running), never in an idle loop.
 */
export default function GalaxyScene({
  galaxy,
  subscribe,
  height,
}: {
  galaxy: Galaxy;
  subscribe: SubscribePulses;
  height: number;
}) {
  const layout = useLayout(galaxy);
  const router = useRouter();
  const wrapper = useRef<HTMLDivElement>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const [focused, setFocused] = useState<number | null>(null);
  const selected = hovered ?? focused;
  // Keyboard order: by category, then the busiest first.
  const order = useMemo(
    () =>
      galaxy.agents
        .map((_, i) => i)
        .sort(
          (a, b) =>
            galaxy.agents[a]!.category.localeCompare(galaxy.agents[b]!.category) ||
            galaxy.agents[b]!.runs - galaxy.agents[a]!.runs,
        ),
    [galaxy],
  );
  const linked = useMemo(() => {
    const counts = new Array<number>(galaxy.agents.length).fill(0);
    for (const link of galaxy.links) {
      counts[link.source]!++;
      counts[link.target]!++;
    }
    return counts;
  }, [galaxy]);

  // Each frame's draw calls, on the wrapper for tests and the curious (renderer.info, no GPU needed).
  const recordFrame = (drawCalls: number) => {
    const element = wrapper.current;
    if (!element) return;
    element.dataset.drawCalls = String(drawCalls);
    element.dataset.frames = String(Number(element.dataset.frames ?? 0) + 1);
  };
  const open = (i: number) => router.push(`/agents/${galaxy.agents[i]!.slug}`);
  const onKeyDown = (event: React.KeyboardEvent) => {
    const position = focused === null ? -1 : order.indexOf(focused);
    const move = (to: number) => {
      event.preventDefault();
      setFocused(order[(to + order.length) % order.length]!);
    };
    if (event.key === "ArrowRight" || event.key === "ArrowDown") move(position + 1);
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp")
      move(position <= 0 ? order.length - 1 : position - 1);
    else if (event.key === "Home") move(0);
    else if (event.key === "End") move(order.length - 1);
    else if (event.key === "Enter" && focused !== null) open(focused);
    else if (event.key === "Escape") setFocused(null);
  };

  const camera = useMemo(
    () =>
      layout
        ? {
            position: [0, layout.extent * 0.4, layout.extent * 2.0] as [number, number, number],
            far: layout.extent * 12,
          }
        : null,
    [layout],
  );
  const agent = selected === null ? null : galaxy.agents[selected]!;
  return (
    <div
      ref={wrapper}
      data-testid="galaxy-canvas"
      data-agents={galaxy.agents.length}
      data-links={galaxy.links.length}
      className="relative overflow-hidden rounded-lg border bg-slate-950 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
      style={{ height }}
      tabIndex={0}
      role="application"
      aria-roledescription="3D agent galaxy"
      aria-label="Agent galaxy. Arrow keys move between agents, Enter opens the focused agent's page, Escape clears."
      onKeyDown={onKeyDown}
    >
      {layout ? (
        <SceneCanvas camera={camera!}>
          <ambientLight intensity={0.6} />
          <directionalLight position={[1, 2, 3]} intensity={1.6} />
          <Bodies galaxy={galaxy} layout={layout} onHover={setHovered} onOpen={open} subscribe={subscribe} />
          <Links galaxy={galaxy} layout={layout} />
          <Halo layout={layout} index={selected} />
          <Controls />
          <RenderOnDemand onRendered={recordFrame} />
        </SceneCanvas>
      ) : (
        <p className="absolute inset-0 flex items-center justify-center text-sm text-slate-300" role="status">
          Arranging {galaxy.agents.length} agents…
        </p>
      )}
      <div className="pointer-events-none absolute left-3 top-3 max-w-[80%]" aria-live="polite">
        {agent ? (
          <div className="rounded-md bg-slate-900/90 px-3 py-2 text-sm text-slate-100 shadow">
            <p className="font-semibold">{agent.name}</p>
            <p className="text-xs capitalize text-slate-300">{agent.category}</p>
            <p className="text-xs text-slate-300">{describeAgent(agent, linked[selected!]!, galaxy.runDays)}</p>
            <p className="text-xs text-slate-400">{focused === selected ? "Enter opens its page" : "Click to open"}</p>
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** Draws a frame when asked (frameloop "demand") and reports its draw calls. */
function RenderOnDemand({ onRendered }: { onRendered: (drawCalls: number) => void }) {
  useFrame(({ gl, scene, camera }) => {
    gl.render(scene, camera);
    onRendered(gl.info.render.calls);
  }, 1);
  return null;
}

function Controls() {
  const { camera, gl, invalidate } = useThree();
  useEffect(() => {
    const controls = new OrbitControls(camera, gl.domElement);
    controls.enablePan = false;
    controls.addEventListener("change", () => invalidate());
    return () => controls.dispose();
  }, [camera, gl, invalidate]);
  return null;
}

function Bodies({
  galaxy,
  layout,
  onHover,
  onOpen,
  subscribe,
}: {
  galaxy: Galaxy;
  layout: Layout;
  onHover: (index: number | null) => void;
  onOpen: (index: number) => void;
  subscribe: SubscribePulses;
}) {
  const bodies = useRef<InstancedMesh>(null);
  const pulses = useRef<InstancedMesh>(null);
  const active = useRef<{ index: number; start: number }[]>([]);
  const invalidate = useThree((state) => state.invalidate);
  const count = galaxy.agents.length;

  useLayoutEffect(() => {
    const mesh = bodies.current!;
    const dummy = new Object3D();
    const color = new Color();
    for (let i = 0; i < count; i++) {
      dummy.position.fromArray(layout.positions, i * 3);
      dummy.scale.setScalar(layout.radii[i]!);
      dummy.updateMatrix();
      mesh.setMatrixAt(i, dummy.matrix);
      mesh.setColorAt(i, color.set(ratingColor(galaxy.agents[i]!.rating)));
    }
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    mesh.computeBoundingSphere();
    invalidate();
  }, [galaxy, layout, count, invalidate]);

  useEffect(() => {
    const indexOf = new Map(galaxy.agents.map((a, i) => [a.id, i]));
    return subscribe((agentIds) => {
      const now = performance.now();
      let pulsed = false;
      for (const id of agentIds) {
        const index = indexOf.get(id);
        if (index === undefined) continue;
        pulsed = true;
        active.current = active.current.filter((p) => p.index !== index);
        active.current.push({ index, start: now });
        if (active.current.length > MAX_PULSES) active.current.shift();
      }
      // Runs of agents not in this scene draw nothing: the scene keeps resting.
      if (pulsed) invalidate();
    });
  }, [galaxy, subscribe, invalidate]);

  const dummy = useMemo(() => new Object3D(), []);
  const color = useMemo(() => new Color(), []);
  useFrame(() => {
    const mesh = pulses.current;
    if (!mesh) return;
    const now = performance.now();
    active.current = active.current.filter((p) => now - p.start < PULSE_MS);
    active.current.forEach((pulse, slot) => {
      const t = (now - pulse.start) / PULSE_MS;
      dummy.position.fromArray(layout.positions, pulse.index * 3);
      dummy.scale.setScalar(layout.radii[pulse.index]! * (1.2 + 2.2 * t));
      dummy.updateMatrix();
      mesh.setMatrixAt(slot, dummy.matrix);
      // Additive blending: fading the colour to black fades the pulse out.
      mesh.setColorAt(slot, color.setRGB(0.55, 0.8, 1).multiplyScalar(1 - t));
    });
    mesh.count = active.current.length;
    mesh.visible = active.current.length > 0;
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    // Keep drawing while a pulse runs; then the scene rests.
    if (active.current.length) invalidate();
  });

  const hover = (event: ThreeEvent<PointerEvent>) => {
    event.stopPropagation();
    onHover(event.instanceId ?? null);
    document.body.style.cursor = event.instanceId === undefined ? "" : "pointer";
    invalidate();
  };
  return (
    <>
      <instancedMesh
        ref={bodies}
        args={[undefined, undefined, count]}
        onPointerMove={hover}
        onPointerOut={() => {
          onHover(null);
          document.body.style.cursor = "";
        }}
        onClick={(event) => {
          // A drag that orbits the camera is not a click on an agent.
          if (event.delta > 4 || event.instanceId === undefined) return;
          event.stopPropagation();
          onOpen(event.instanceId);
        }}
      >
        <sphereGeometry args={[1, 18, 14]} />
        <meshStandardMaterial roughness={0.45} metalness={0.1} />
      </instancedMesh>
      <instancedMesh ref={pulses} args={[undefined, undefined, MAX_PULSES]} visible={false} raycast={() => null}>
        <sphereGeometry args={[1, 16, 12]} />
        <meshBasicMaterial transparent blending={AdditiveBlending} depthWrite={false} toneMapped={false} />
      </instancedMesh>
    </>
  );
}

function Links({ galaxy, layout }: { galaxy: Galaxy; layout: Layout }) {
  const lines = useRef<LineSegments>(null);
  const invalidate = useThree((state) => state.invalidate);
  useLayoutEffect(() => {
    const positions = new Float32Array(galaxy.links.length * 6);
    galaxy.links.forEach((link, i) => {
      positions.set(layout.positions.subarray(link.source * 3, link.source * 3 + 3), i * 6);
      positions.set(layout.positions.subarray(link.target * 3, link.target * 3 + 3), i * 6 + 3);
    });
    const geometry = lines.current!.geometry;
    geometry.setAttribute("position", new BufferAttribute(positions, 3));
    geometry.computeBoundingSphere();
    invalidate();
  }, [galaxy, layout, invalidate]);
  return (
    <lineSegments ref={lines} raycast={() => null} visible={galaxy.links.length > 0}>
      <bufferGeometry />
      <lineBasicMaterial color="#7dd3fc" transparent opacity={0.18} depthWrite={false} />
    </lineSegments>
  );
}

/** A ring around the hovered or focused agent. */
function Halo({ layout, index }: { layout: Layout; index: number | null }) {
  const invalidate = useThree((state) => state.invalidate);
  useEffect(() => invalidate(), [index, invalidate]);
  if (index === null) return null;
  const radius = layout.radii[index]!;
  return (
    <mesh
      position={[layout.positions[index * 3]!, layout.positions[index * 3 + 1]!, layout.positions[index * 3 + 2]!]}
      scale={radius * 1.5}
      raycast={() => null}
    >
      <sphereGeometry args={[1, 16, 12]} />
      <meshBasicMaterial color="#f8fafc" wireframe transparent opacity={0.6} />
    </mesh>
  );
}
