/// <reference lib="webworker" />
/**
 * The service worker, bundled by `app/serwist/[path]/route.ts` (Serwist's Turbopack
 * integration) and served as /serwist/sw.js for the whole origin.
 *
 * - Precache: the app shell (styles, icons, the offline page) and the scripts within the
 *   budget `route.ts` sets; other hashed static files are cached the first time a page
 *   uses them, so a page viewed online still hydrates offline.
 * - Navigations: network only, except the pages in OFFLINE_READABLE_PAGES (dashboard,
 *   payouts), whose last copy is kept for the person signed in; a failed navigation shows
 *   that copy with a "stale" notice, or the offline page.
 * - Never cached: anything under /api (the public API, dashboard data, auth), RSC
 *   fetches and any request but GET.
 */
import { CacheFirst, ExpirationPlugin, Serwist, type PrecacheEntry, type RouteHandlerCallbackOptions } from "serwist";
import {
  isOfflineReadable,
  OFFLINE_PAGE,
  PRIVATE_PAGES_CACHE,
  STATIC_ASSETS_CACHE,
  STORED_AT_HEADER,
  type PageMessage,
} from "@/lib/pwa/offline";

declare const self: ServiceWorkerGlobalScope & { __SW_MANIFEST: (PrecacheEntry | string)[] | undefined };

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  // A new version waits until the person accepts it (the page offers a reload).
  skipWaiting: false,
  clientsClaim: true,
  navigationPreload: false,
  disableDevLogs: true,
  runtimeCaching: [
    {
      // Hashed file names: a cached copy is never out of date.
      matcher: ({ url, request }) =>
        request.method === "GET" && url.origin === self.location.origin && url.pathname.startsWith("/_next/static/"),
      handler: new CacheFirst({
        cacheName: STATIC_ASSETS_CACHE,
        plugins: [new ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 30 * 24 * 3600, purgeOnQuotaError: true })],
      }),
    },
    {
      matcher: ({ request, url }) => request.mode === "navigate" && url.origin === self.location.origin,
      handler: navigate,
    },
  ],
});

/** Who the private copies belong to: the user id the pages last reported. */
const SESSION_KEY = "/__session";

async function sessionUser(): Promise<string | null> {
  const stored = await (await caches.open(PRIVATE_PAGES_CACHE)).match(SESSION_KEY);
  return stored ? stored.text() : null;
}

async function setSession(user: string | null): Promise<void> {
  if ((await sessionUser()) === user) return;
  // Someone else (or nobody) is signed in now: the last person's pages go.
  await caches.delete(PRIVATE_PAGES_CACHE);
  if (user) await (await caches.open(PRIVATE_PAGES_CACHE)).put(SESSION_KEY, new Response(user));
}

const pageKey = (url: URL) => `${url.origin}${url.pathname}`;

async function navigate({ request, url, event }: RouteHandlerCallbackOptions): Promise<Response> {
  const readable = isOfflineReadable(url.pathname);
  try {
    const response = await fetch(request);
    if (readable && response.status === 200 && response.type === "basic" && !response.redirected) {
      const keep = response.clone();
      const store = (async () => {
        // Kept only for a known signed-in person (their pages announce them).
        if (!(await sessionUser())) return;
        const headers = new Headers(keep.headers);
        headers.set(STORED_AT_HEADER, String(Date.now()));
        const copy = new Response(await keep.arrayBuffer(), { status: 200, statusText: keep.statusText, headers });
        await (await caches.open(PRIVATE_PAGES_CACHE)).put(pageKey(url), copy);
      })();
      if (event instanceof ExtendableEvent) event.waitUntil(store);
    }
    return response;
  } catch (error) {
    if (readable) {
      const copy = await (await caches.open(PRIVATE_PAGES_CACHE)).match(pageKey(url));
      if (copy) return markStale(copy);
    }
    const offline = await serwist.matchPrecache(OFFLINE_PAGE);
    if (offline) return offline;
    throw error;
  }
}

/**
 * The stored copy, marked: `<body data-offline-copy="(when)">`, which the app's styles show
 * as a notice at the top of the page (an attribute, so hydrating the page keeps it).
 */
async function markStale(copy: Response): Promise<Response> {
  const storedAt = Number(copy.headers.get(STORED_AT_HEADER));
  const when = Number.isFinite(storedAt) && storedAt > 0 ? new Date(storedAt).toLocaleString() : "earlier";
  const attribute = ` data-offline-copy="${when.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}"`;
  const html = await copy.text();
  const marked = html.replace(/<body(?=[\s>])/i, `<body${attribute}`);
  const headers = new Headers(copy.headers);
  headers.delete("content-length");
  return new Response(marked, { status: 200, headers });
}

self.addEventListener("message", (event) => {
  const message = event.data as PageMessage | undefined;
  if (message?.type === "SKIP_WAITING") void self.skipWaiting();
  else if (message?.type === "SESSION") {
    const user = typeof message.user === "string" && message.user.length <= 100 ? message.user : null;
    event.waitUntil(setSession(user));
  }
});

serwist.addEventListeners();
