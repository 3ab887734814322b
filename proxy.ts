import { NextResponse, type NextRequest } from "next/server";
import { pageSecurityHeaders } from "@/lib/http/security-headers";
import { OFFLINE_PAGE } from "@/lib/pwa/offline";

/**
 * Every page gets a fresh script nonce and its Content-Security-Policy (Next puts the nonce
 * on its own scripts when it finds the policy on the request). API routes and static files
 * are not matched: next.config.ts gives them static headers.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const headers = pageSecurityHeaders(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
  // The offline page is stored by the service worker and shown to whoever is offline on
  // this device: it is always rendered for nobody.
  if (request.nextUrl.pathname === OFFLINE_PAGE) requestHeaders.delete("cookie");
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico|manifest.webmanifest|icons/|screenshots/|serwist/).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
