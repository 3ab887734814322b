/**
 * What the service worker (`app/sw.ts`) and the pages agree on: cache names, which pages
 * may be read offline, and the messages between them. One place, so a page that clears
 * private pages on sign-out clears exactly the cache the worker fills.
 */

/** The worker's URL; it is built by `app/serwist/[path]/route.ts` and controls the whole origin. */
export const SERVICE_WORKER_URL = "/serwist/sw.js";

/** Signed-in pages the worker keeps the last copy of, to show offline (marked as a stale copy). */
export const OFFLINE_READABLE_PAGES = ["/dashboard", "/payouts"] as const;

/** The cache holding those copies: one person's pages, emptied on sign-out or when someone else signs in. */
export const PRIVATE_PAGES_CACHE = "private-pages-v1";

/** Static assets (hashed, immutable) fetched at run time beyond the precache. */
export const STATIC_ASSETS_CACHE = "static-assets-v1";

/** The page shown for a navigation that fails with nothing cached. */
export const OFFLINE_PAGE = "/offline";

/** A header the worker adds to a stored copy: when it was fetched (ms since epoch). */
export const STORED_AT_HEADER = "x-ai-nomads-stored-at";

/** Messages from pages to the worker. */
export type PageMessage =
  /** Who is signed in on this page (null: nobody). A change empties the private cache. */
  | { type: "SESSION"; user: string | null }
  /** The person accepted the update: the waiting worker takes over. */
  | { type: "SKIP_WAITING" };

/** Whether `pathname` is one of the pages readable offline (query strings aside). */
export function isOfflineReadable(pathname: string): boolean {
  return OFFLINE_READABLE_PAGES.some((page) => pathname === page);
}
