import "server-only";
import { env } from "@/lib/env";

/**
 * The origins this app answers as, from configuration only (never a request's Host or
 * X-Forwarded-* headers, which a client controls): APP_URL when set; otherwise the local
 * addresses `npm start` serves on PORT. Sign-in messages, redirects, the same-origin check
 * and the OpenAPI server URL all use these.
 */
export function appOrigins(): string[] {
  if (env.APP_URL) return [new URL(env.APP_URL).origin];
  return ["localhost", "127.0.0.1", "[::1]"].map((host) => `http://${host}:${env.PORT}`);
}

/** The origin links and documents name: APP_URL, or http://localhost:PORT. */
export function appOrigin(): string {
  return appOrigins()[0]!;
}

/** Whether `origin` (a URL or an origin) is one this app answers as. */
export function isAppOrigin(origin: string | null | undefined): boolean {
  if (!origin) return false;
  try {
    return appOrigins().includes(new URL(origin).origin);
  } catch {
    return false;
  }
}

/** The hosts (host:port) a Sign-In with Ethereum message may name as its domain. */
export function appHosts(): string[] {
  return appOrigins().map((origin) => new URL(origin).host);
}
