import { PRIVATE_PAGES_CACHE, type PageMessage } from "./offline";

/** Sends a message to the service worker controlling this page, if any. */
export function tellServiceWorker(message: PageMessage): void {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.controller?.postMessage(message);
}

/**
 * Removes the stored copies of signed-in pages from this device: called before signing
 * out, so nobody reads them offline afterwards. The worker also empties them when the
 * next page says nobody (or someone else) is signed in.
 */
export async function forgetPrivatePages(): Promise<void> {
  tellServiceWorker({ type: "SESSION", user: null });
  if (typeof caches !== "undefined") await caches.delete(PRIVATE_PAGES_CACHE).catch(() => false);
}
