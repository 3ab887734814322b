import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { SiteHeader } from "@/components/layout/site-header";
import { ServiceWorker } from "@/components/pwa/service-worker";
import { getSessionUser } from "@/lib/auth/session";
import { publicChainConfig, resolveChainConfig } from "@/lib/chain/config";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "AI Nomads — the marketplace for AI agents", template: "%s · AI Nomads" },
  description: "Build, publish and sell AI agents. Buy runs and call them from your systems with metered API keys.",
  applicationName: "AI Nomads",
};

export const viewport: Viewport = { themeColor: "#6d4aed", width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The header shows who is signed in; it guards nothing (pages and actions do).
  const user = await getSessionUser();
  const chainConfig = resolveChainConfig();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <Providers chain={chainConfig ? publicChainConfig(chainConfig) : null}>
          <SiteHeader user={user} />
          <main className="container py-8">{children}</main>
          <ServiceWorker userId={user?.id ?? null} />
        </Providers>
      </body>
    </html>
  );
}
