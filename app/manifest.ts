import type { MetadataRoute } from "next";

/** The web app manifest (served at /manifest.webmanifest): what installing the app needs. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    id: "/",
    name: "AI Nomads — the marketplace for AI agents",
    short_name: "AI Nomads",
    description: "Build, publish and sell AI agents. Buy runs and call them from your systems with metered API keys.",
    start_url: "/",
    scope: "/",
    display: "standalone",
    theme_color: "#6d4aed",
    background_color: "#ffffff",
    categories: ["business", "developer", "productivity"],
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
    // Taken by `npm run screenshots` from a running app with its demo data.
    screenshots: [
      {
        src: "/screenshots/marketplace-narrow.png",
        sizes: "390x844",
        type: "image/png",
        form_factor: "narrow",
        label: "The marketplace on a phone",
      },
      {
        src: "/screenshots/galaxy-wide.png",
        sizes: "1280x800",
        type: "image/png",
        form_factor: "wide",
        label: "Every published agent in the 3D galaxy",
      },
    ],
    shortcuts: [
      { name: "Marketplace", url: "/agents", icons: [{ src: "/icons/icon-192.png", sizes: "192x192" }] },
      { name: "Studio", url: "/studio", icons: [{ src: "/icons/icon-192.png", sizes: "192x192" }] },
      { name: "Payouts", url: "/payouts", icons: [{ src: "/icons/icon-192.png", sizes: "192x192" }] },
      { name: "API console", url: "/orgs", icons: [{ src: "/icons/icon-192.png", sizes: "192x192" }] },
    ],
  };
}
