import type { Metadata } from "next";
import Link from "next/link";
import { OFFLINE_READABLE_PAGES } from "@/lib/pwa/offline";

export const metadata: Metadata = { title: "Offline", robots: { index: false } };

const labels: Record<(typeof OFFLINE_READABLE_PAGES)[number], string> = {
  "/dashboard": "Your dashboard",
  "/payouts": "Your payouts",
};

/**
 * Shown by the service worker for a navigation that fails with no copy to show. The
 * worker stores it once per version; proxy.ts drops cookies on its way in, so it never
 * holds anyone's signed-in header.
 */
export default function OfflinePage() {
  return (
    <div className="mx-auto max-w-xl space-y-4 py-12 text-center" data-testid="offline-page">
      <h1 className="text-3xl font-bold tracking-tight">You are offline</h1>
      <p className="text-muted-foreground">
        This page needs a connection. When you are back online, reload to continue where you were.
      </p>
      <p className="text-sm text-muted-foreground">
        The last copies of these pages you opened on this device can be read offline:
      </p>
      <ul className="flex flex-wrap justify-center gap-3">
        {OFFLINE_READABLE_PAGES.map((page) => (
          <li key={page}>
            <Link
              href={page}
              prefetch={false}
              className="inline-flex min-h-11 items-center rounded-md border px-4 text-sm hover:bg-muted"
            >
              {labels[page]}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
