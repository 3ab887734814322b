import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { KeyedSemaphore } from "@/lib/semaphore";
import type { AddressPolicy } from "./address-policy";

/** Fetches one tenant may have in flight at once, across all its runs in this process. */
export const MAX_CONCURRENT_FETCHES_PER_TENANT = 8;
const fetchSlots = new KeyedSemaphore(MAX_CONCURRENT_FETCHES_PER_TENANT);

export const httpFetchInput = z.object({
  url: z.string().url(),
  method: z.enum(["GET", "POST", "HEAD"]).default("GET"),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().max(100_000).optional(),
});
export type HttpFetchInput = z.input<typeof httpFetchInput>;

export type HttpFetchResult = {
  url: string;
  status: number;
  contentType: string | null;
  body: string;
  truncated: boolean;
};

export type Lookup = (hostname: string, callback: (err: Error | null, addresses: LookupAddress[]) => void) => void;

export type HttpFetchOptions = {
  policy: AddressPolicy;
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  /** Whose fetch this is; fetches are capped per tenant. */
  tenant?: string;
  /** Aborted when the run has ended: the fetch stops, whatever stage it is at. */
  signal?: AbortSignal;
  /** DNS resolution; tests substitute their own resolver. */
  lookup?: Lookup;
};

const defaultLookup: Lookup = (hostname, callback) => dnsLookup(hostname, { all: true, verbatim: true }, callback);
const refused = (message: string) => new AppError("TOOL_FAILED", `http_fetch refused: ${message}`);

/**
 * Fetches a public URL for an agent. Every address the name resolves to must pass the
 * policy, and the connection is made to the address that was checked (the socket's own
 * lookup is the check), so DNS rebinding between check and connect is not possible.
 * Redirects are followed by hand and checked again. The body is capped in size, and the
 * whole fetch (every redirect, the slowest body) in time: a server that trickles its answer
 * cannot hold it past the deadline, nor past the end of the run.
 */
export async function httpFetch(rawInput: HttpFetchInput, options: HttpFetchOptions): Promise<HttpFetchResult> {
  const input = httpFetchInput.parse(rawInput);
  const maxBytes = options.maxBytes ?? 1_000_000;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const release = await fetchSlots.acquire(options.tenant ?? "anonymous", options.signal);
  try {
    let url = new URL(input.url);
    for (let redirects = 0; ; redirects++) {
      const result = await requestOnce(url, input, options, maxBytes, deadline);
      if ("redirect" in result) {
        if (redirects >= (options.maxRedirects ?? 3)) throw refused("too many redirects");
        url = new URL(result.redirect, url);
        continue;
      }
      // The agent gets the answer without its headers.
      return {
        url: result.url,
        status: result.status,
        contentType: result.contentType,
        body: result.body,
        truncated: result.truncated,
      };
    }
  } finally {
    release();
  }
}

/** One answer to one request: the fetch result and the response's headers. */
export type OneResponse = HttpFetchResult & { headers: http.IncomingHttpHeaders };

/**
 * One request, redirects not followed (a 3xx comes back as `redirect`, with its status):
 * the address the name resolves to is checked against the policy at connect time, the body
 * is capped at `maxBytes` and the whole exchange ends at `deadline` (ms since the epoch).
 * http_fetch follows redirects through it; webhook deliveries use it as it is.
 */
export function requestOnce(
  url: URL,
  input: Pick<z.output<typeof httpFetchInput>, "method" | "headers" | "body">,
  options: Pick<HttpFetchOptions, "policy" | "signal" | "lookup">,
  maxBytes: number,
  deadline: number,
): Promise<OneResponse | { redirect: string; status: number }> {
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw refused(`only http and https URLs (got ${url.protocol})`);
  if (url.username || url.password) throw refused("URLs with credentials");
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  // Node skips the lookup for IP literals, so check them here.
  if (isIP(hostname) && !options.policy.isAllowed(hostname))
    throw refused(`${hostname} is a private or reserved address`);
  const resolve = options.lookup ?? defaultLookup;

  return new Promise((resolvePromise, reject) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return reject(refused("timed out"));
    const client = url.protocol === "https:" ? https : http;
    const request = client.request(
      url,
      {
        method: input.method,
        headers: { "user-agent": "AI-Nomads-Agent/1.0", ...input.headers, host: url.host },
        timeout: remaining,
        lookup: (host, lookupOptions, callback) => {
          resolve(host, (err, addresses) => {
            if (err) return callback(err, "", 4);
            const denied = addresses.find((a) => !options.policy.isAllowed(a.address, host));
            if (denied || addresses.length === 0) {
              return callback(refused(`${host} resolves to a private or reserved address`), "", 4);
            }
            if ((lookupOptions as { all?: boolean }).all) {
              return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
            }
            callback(null, addresses[0]!.address, addresses[0]!.family);
          });
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          return resolvePromise({ redirect: response.headers.location, status });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        response.on("data", (chunk: Buffer) => {
          if (truncated) return;
          size += chunk.length;
          if (size > maxBytes) {
            chunks.push(chunk.subarray(0, chunk.length - (size - maxBytes)));
            truncated = true;
            response.destroy();
            finish();
            return;
          }
          chunks.push(chunk);
        });
        const finish = () =>
          resolvePromise({
            url: url.toString(),
            status,
            contentType: response.headers["content-type"] ?? null,
            body: Buffer.concat(chunks).toString("utf8"),
            truncated,
            headers: response.headers,
          });
        response.on("end", finish);
        response.on("error", (error) =>
          truncated ? undefined : reject(error instanceof AppError ? error : refused(error.message)),
        );
      },
    );
    // `timeout` above is an idle timeout; this one ends the request at the deadline however
    // steadily the server sends, and the run's end ends it at once.
    const total = setTimeout(() => request.destroy(refused("timed out")), remaining);
    const stop = () => request.destroy(refused("the run has ended"));
    options.signal?.addEventListener("abort", stop, { once: true });
    const cleanup = () => {
      clearTimeout(total);
      options.signal?.removeEventListener("abort", stop);
    };
    request.on("close", cleanup);
    request.on("timeout", () => request.destroy(refused("timed out")));
    request.on("error", (error) => reject(error instanceof AppError ? error : refused(error.message)));
    if (input.body && input.method === "POST") request.write(input.body);
    request.end();
  });
}
