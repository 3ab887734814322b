import { createHash } from "node:crypto";
import { createSerwistRoute } from "@serwist/turbopack";
import { OFFLINE_PAGE } from "@/lib/pwa/offline";
import {
  keepInPrecache,
  PRECACHE_GLOBS,
  PRECACHE_IGNORES,
  PRECACHE_MAX_FILE_BYTES,
  shellScripts,
} from "@/lib/pwa/precache";

/**
 * The service worker (`app/sw.ts`), bundled with esbuild while `next build` prerenders
 * this route, with the precache manifest of the build's static files injected; served as
 * /serwist/sw.js with `Service-Worker-Allowed: /`. Serwist's Turbopack integration: the
 * worker is part of the production build `npm start` serves, with no second build step.
 */
export const { dynamic, dynamicParams, revalidate, generateStaticParams, GET } = createSerwistRoute({
  swSrc: "app/sw.ts",
  useNativeEsbuild: true,
  globPatterns: PRECACHE_GLOBS,
  globIgnores: PRECACHE_IGNORES,
  maximumFileSizeToCacheInBytes: PRECACHE_MAX_FILE_BYTES,
  manifestTransforms: [
    async (found) => {
      // Scripts: only the shell pages' first loads (the rest is cached when first used).
      const shell = shellScripts();
      const entries = found.filter((e) => keepInPrecache(e.url, shell));
      // The offline page is rendered per request; its revision changes with every build's
      // static files (its styles' names), so an update fetches it again.
      const revision = createHash("sha256")
        .update(entries.map((e) => `${e.url}@${e.revision ?? ""}`).join("\n"))
        .digest("hex")
        .slice(0, 16);
      return { manifest: [...entries, { url: OFFLINE_PAGE, revision, size: 0 }], warnings: [] };
    },
  ],
  esbuildOptions: { format: "iife", legalComments: "none" },
});
