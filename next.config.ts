import type { NextConfig } from "next";

/** Static security headers of every answer; pages add their CSP (a fresh nonce each) in proxy.ts. */
const PERMISSIONS_POLICY =
  "camera=(), microphone=(), geolocation=(), payment=(), display-capture=(), browsing-topics=()";
const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

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
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
        ],
      },
      // Pages get their Content-Security-Policy (with a fresh nonce) from proxy.ts.
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
    ];
  },
};

export default nextConfig;
