import type { NextConfig } from "next";
import { API_CONTENT_SECURITY_POLICY, STATIC_SECURITY_HEADERS } from "./lib/http/static-headers";

const nextConfig: NextConfig = {
  // PGlite loads its WebAssembly and data files from its own package directory, pg has
  // optional native bindings and esbuild runs a native binary: they stay outside the
  // server bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "esbuild", "@base-org/account"],
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value })),
      },
      // Pages get their Content-Security-Policy (with a fresh nonce) from proxy.ts.
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
    ];
  },
};

export default nextConfig;
