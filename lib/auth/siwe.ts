import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Hex } from "viem";
import { getAddress, isAddress, recoverMessageAddress } from "viem";
import { generateSiweNonce, parseSiweMessage } from "viem/siwe";
import type { Db } from "@/db/client";
import { consumeSiweNonce, createSiweNonce, deleteExpiredSiweNonces } from "@/db/queries/siwe-nonces";
import { cookiesFromHeader } from "@/lib/http/cookies";
import { AppError } from "@/lib/errors";
import { appHosts, appOrigin, isAppOrigin } from "@/lib/http/app-origin";

/** How long a nonce (and so a sign-in prompt) stays valid. */
export const SIWE_NONCE_TTL_MS = 10 * 60 * 1000;
/** Clock skew tolerated between the wallet's clock and ours. */
const CLOCK_SKEW_MS = 60 * 1000;

/**
 * The cookie that binds a nonce to the browser that asked for it: a message signed on a
 * phishing page carries a nonce the attacker's browser asked for, so it cannot sign the
 * victim in anywhere but there, and there the domain check refuses it.
 */
export const SIWE_BINDING_COOKIE = "siwe-binding";

const hashBinding = (binding: string) => createHash("sha256").update(binding).digest("hex");

/** A fresh nonce and the secret (for an HttpOnly cookie) that alone can use it. */
export async function issueSiweNonce(db: Db, now = new Date()): Promise<{ nonce: string; binding: string }> {
  const nonce = generateSiweNonce();
  const binding = randomBytes(32).toString("base64url");
  await createSiweNonce(db, {
    nonce,
    bindingHash: hashBinding(binding),
    expiresAt: new Date(now.getTime() + SIWE_NONCE_TTL_MS),
  });
  // Housekeeping: keep the table to live nonces plus a day of history.
  await deleteExpiredSiweNonces(db, { before: new Date(now.getTime() - 24 * 60 * 60 * 1000) });
  return { nonce, binding };
}

/** Options for the binding cookie (HttpOnly, this site only, as long as the nonce lives). */
export function siweBindingCookie(binding: string) {
  return {
    name: SIWE_BINDING_COOKIE,
    value: binding,
    httpOnly: true,
    sameSite: "strict" as const,
    secure: appOrigin().startsWith("https:"),
    path: "/",
    maxAge: SIWE_NONCE_TTL_MS / 1000,
  };
}

/** The binding cookie's value in a Cookie header, if any. */
export function siweBindingFromCookieHeader(header: unknown): string | undefined {
  return cookiesFromHeader(header)[SIWE_BINDING_COOKIE] || undefined;
}

const invalid = (message: string) => new AppError("INVALID_INPUT", message, { fieldErrors: { wallet: [message] } });

/**
 * Verifies an EIP-4361 sign-in: the message must name one of the app's configured hosts
 * (never the request's Host header) and its chain, be within its validity window, be
 * signed by the address it names, and carry a nonce we issued to this browser (`binding`,
 * from its cookie) that has not been used (the nonce is consumed, so a replay is refused).
 * Returns the lower-cased address.
 */
export async function verifySiweSignature(
  db: Db,
  params: { message: string; signature: string; binding: string | undefined; chainId: number; now?: Date },
): Promise<string> {
  const now = params.now ?? new Date();
  if (params.message.length > 4_000 || !/^0x[0-9a-fA-F]{130}$/.test(params.signature)) {
    throw invalid("That signature is not valid.");
  }
  const fields = parseSiweMessage(params.message);
  if (!fields.address || !isAddress(fields.address) || !fields.nonce || !fields.domain) {
    throw invalid("That is not a Sign-In with Ethereum message.");
  }
  const hosts = appHosts();
  if (!hosts.includes(fields.domain)) {
    throw invalid(`The message is for ${fields.domain}, not ${hosts[0]}.`);
  }
  if (!fields.uri || !isAppOrigin(fields.uri)) {
    throw invalid(`The message's URI is not on ${hosts[0]}.`);
  }
  if (fields.chainId !== params.chainId) {
    throw invalid(`Switch your wallet to chain ${params.chainId} and try again.`);
  }
  const t = now.getTime();
  if (fields.expirationTime && fields.expirationTime.getTime() <= t) {
    throw invalid("This sign-in request has expired. Try again.");
  }
  if (fields.notBefore && fields.notBefore.getTime() > t + CLOCK_SKEW_MS) {
    throw invalid("This sign-in request is not valid yet.");
  }
  if (fields.issuedAt && fields.issuedAt.getTime() > t + CLOCK_SKEW_MS) {
    throw invalid("This sign-in request is dated in the future.");
  }
  let signer: string;
  try {
    signer = await recoverMessageAddress({ message: params.message, signature: params.signature as Hex });
  } catch (cause) {
    throw new AppError("INVALID_INPUT", "That signature is not valid.", {
      cause,
      fieldErrors: { wallet: ["That signature is not valid."] },
    });
  }
  if (getAddress(signer) !== getAddress(fields.address)) {
    throw invalid("The signature does not match the wallet address.");
  }
  if (
    !params.binding ||
    !(await consumeSiweNonce(db, { nonce: fields.nonce, bindingHash: hashBinding(params.binding), now }))
  ) {
    throw invalid("This sign-in request has expired, was already used, or was started in another browser. Try again.");
  }
  return fields.address.toLowerCase();
}
