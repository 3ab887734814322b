"use client";

import { useState, useSyncExternalStore } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

/** Chromium's install prompt event (not in TypeScript's DOM types). */
type InstallPromptEvent = Event & { prompt: () => Promise<void> };

/**
 * Whether this browser offers to install the app: the `beforeinstallprompt` event kept for
 * when the person asks (Chromium fires it once, often before React has hydrated, so it is
 * caught when this module loads), until `appinstalled`.
 */
let deferred: InstallPromptEvent | null = null;
let installed = false;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());
if (typeof window !== "undefined") {
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    deferred = event as InstallPromptEvent;
    notify();
  });
  window.addEventListener("appinstalled", () => {
    deferred = null;
    installed = true;
    notify();
  });
}

type InstallState = "none" | "prompt" | "ios";

/** Safari on iPhone and iPad never fires the event: it installs from the Share menu. */
function isIosBrowser(): boolean {
  const iOS =
    /iphone|ipad|ipod/i.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  const standalone =
    (navigator as Navigator & { standalone?: boolean }).standalone === true ||
    window.matchMedia("(display-mode: standalone)").matches;
  return iOS && !standalone;
}

function useInstallState(): InstallState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => (installed ? "none" : deferred ? "prompt" : isIosBrowser() ? "ios" : "none"),
    () => "none",
  );
}

/**
 * "Install app" where the browser can install it (Chromium's prompt), instructions on iOS,
 * nothing elsewhere or once installed. `inMenu` renders it as a full-width menu entry.
 */
export function InstallApp({ inMenu = false }: { inMenu?: boolean }) {
  const state = useInstallState();
  const [showHow, setShowHow] = useState(false);
  if (state === "none") return null;
  const className = cn(inMenu && "w-full justify-start");
  if (state === "prompt") {
    return (
      <Button
        type="button"
        size="sm"
        variant={inMenu ? "ghost" : "outline"}
        className={className}
        onClick={async () => {
          const event = deferred;
          deferred = null;
          notify();
          await event?.prompt();
        }}
      >
        Install app
      </Button>
    );
  }
  return (
    <div className={cn("relative", inMenu && "w-full")}>
      <Button
        type="button"
        size="sm"
        variant={inMenu ? "ghost" : "outline"}
        className={className}
        aria-expanded={showHow}
        onClick={() => setShowHow((shown) => !shown)}
      >
        Install app
      </Button>
      {showHow ? (
        <p
          role="status"
          className={cn(
            "rounded-md border bg-background p-3 text-sm shadow",
            inMenu ? "mt-2" : "absolute right-0 top-10 z-40 w-64",
          )}
        >
          In Safari, tap the Share button, then “Add to Home Screen”.
        </p>
      ) : null}
    </div>
  );
}
