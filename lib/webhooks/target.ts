import { isIP } from "node:net";
import type { AddressPolicy } from "@/lib/agents/runtime/tools/address-policy";
import { fieldError } from "@/lib/errors";

/**
 * Whether an endpoint's URL may be saved: no credentials in it; not a private, loopback or
 * reserved address (nor `localhost`) unless the operator allows it (WEBHOOK_ALLOW); https,
 * except for a host the operator allows (a receiver on this machine in development). The
 * policy is applied again to the resolved address at every connection (deliver.ts); this
 * check tells the owner now.
 */
export function checkWebhookTarget(raw: string, policy: AddressPolicy): URL {
  const url = new URL(raw);
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (url.username || url.password) throw fieldError("url", "Leave credentials out of the URL; deliveries are signed.");
  const literal = isIP(host) > 0;
  const local = host === "localhost" || host.endsWith(".localhost");
  const operatorAllowed = policy.isOperatorAllowed(host);
  if ((literal && !policy.isAllowed(host, host)) || (local && !operatorAllowed))
    throw fieldError("url", "That address is private or on this machine; webhooks go to public addresses.");
  if (url.protocol !== "https:" && !operatorAllowed) throw fieldError("url", "Use an https URL.");
  return url;
}
