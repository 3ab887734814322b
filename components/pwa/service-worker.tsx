"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { tellServiceWorker } from "@/lib/pwa/client";
import { SERVICE_WORKER_URL, type PageMessage } from "@/lib/pwa/offline";

/**
 * Registers the service worker (production builds only), tells it who is signed in, and
 * offers a reload when a new version of the app is waiting.
 */
export function ServiceWorker({ userId }: { userId: string | null }) {
  const [waiting, setWaiting] = useState<ServiceWorker | null>(null);
  const accepted = useRef(false);

  useEffect(() => {
    if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
    let cancelled = false;
    const sw = navigator.serviceWorker;
    const onControllerChange = () => {
      // The first install takes over without a reload; an accepted update reloads once.
      if (accepted.current) window.location.reload();
    };
    sw.addEventListener("controllerchange", onControllerChange);
    void sw
      .register(SERVICE_WORKER_URL, { scope: "/", updateViaCache: "none" })
      .then((registration) => {
        if (cancelled) return;
        const offer = (worker: ServiceWorker | null) => {
          // Only an update: with no controller this is the first install.
          if (worker && sw.controller) setWaiting(worker);
        };
        offer(registration.waiting);
        registration.addEventListener("updatefound", () => {
          const installing = registration.installing;
          installing?.addEventListener("statechange", () => {
            if (installing.state === "installed") offer(installing);
          });
        });
      })
      .catch(() => {
        // No worker (private mode, blocked by policy): the app works online as before.
      });
    return () => {
      cancelled = true;
      sw.removeEventListener("controllerchange", onControllerChange);
    };
  }, []);

  useEffect(() => {
    if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
    const announce = () => tellServiceWorker({ type: "SESSION", user: userId });
    announce();
    navigator.serviceWorker.addEventListener("controllerchange", announce);
    return () => navigator.serviceWorker.removeEventListener("controllerchange", announce);
  }, [userId]);

  if (!waiting) return null;
  return (
    <div
      role="status"
      data-testid="app-update"
      className="fixed inset-x-3 bottom-3 z-50 mx-auto flex max-w-md items-center justify-between gap-3 rounded-lg border bg-background p-3 text-sm shadow-lg"
    >
      <span>A new version of AI Nomads is ready.</span>
      <Button
        size="sm"
        onClick={() => {
          accepted.current = true;
          waiting.postMessage({ type: "SKIP_WAITING" } satisfies PageMessage);
        }}
      >
        Reload
      </Button>
    </div>
  );
}
