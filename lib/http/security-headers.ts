import "server-only";
import { env } from "@/lib/env";
import { appOrigin } from "./app-origin";

/**
 * The browser-facing security headers of every page (set per request by proxy.ts, since
 * the script nonce is fresh each time). Scripts run only with the nonce ('strict-dynamic'
 * lets Next's own chunks load theirs); styles allow inline attributes (Radix, recharts and
 * CodeMirror write them); connections go to this site, the chain's public RPC and the
 * wallet services thirdweb and WalletConnect use.
 */
export function pageSecurityHeaders(nonce: string): Record<string, string> {
  const rpc = env.CHAIN_RPC_URL ? env.CHAIN_PUBLIC_RPC_URL : `http://127.0.0.1:${env.ANVIL_PORT}`;
  const wallets = [
    "https://*.thirdweb.com",
    "wss://*.thirdweb.com",
    "https://*.walletconnect.com",
    "wss://*.walletconnect.com",
    "https://*.walletconnect.org",
    "wss://*.walletconnect.org",
  ];
  const dev = env.NODE_ENV === "development";
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    `connect-src 'self' ${[rpc ? new URL(rpc).origin : "", ...wallets, dev ? "ws:" : ""].filter(Boolean).join(" ")}`,
    "frame-src https://*.walletconnect.com https://*.walletconnect.org https://*.thirdweb.com",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const headers: Record<string, string> = { "Content-Security-Policy": policy };
  if (appOrigin().startsWith("https:")) headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains";
  return headers;
}
