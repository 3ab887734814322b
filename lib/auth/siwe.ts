import "server-only";
import type { Hex } from "viem";
import { getAddress, isAddress, recoverMessageAddress } from "viem";
import { generateSiweNonce, parseSiweMessage } from "viem/siwe";
import type { Db } from "@/db/client";
import { consumeSiweNonce, createSiweNonce, deleteExpiredSiweNonces } from "@/db/queries/siwe-nonces";
import { AppError } from "@/lib/errors";

/** How long a nonce (and so a sign-in prompt) stays valid. */
export const SIWE_NONCE_TTL_MS = 10 * 60 * 1000;
/** Clock skew tolerated between the wallet's clock and ours. */
const CLOCK_SKEW_MS = 60 * 1000;

export async function issueSiweNonce(db: Db, now = new Date()): Promise<string> {
  const nonce = generateSiweNonce();
  await createSiweNonce(db, { nonce, expiresAt: new Date(now.getTime() + SIWE_NONCE_TTL_MS) });
  // Housekeeping: keep the table to live nonces plus a day of history.
  await deleteExpiredSiweNonces(db, { before: new Date(now.getTime() - 24 * 60 * 60 * 1000) });
  return nonce;
}

const invalid = (message: string) => new AppError("INVALID_INPUT", message, { fieldErrors: { wallet: [message] } });

/**
 * Verifies an EIP-4361 sign-in: the message must name our domain and chain, be within
 * its validity window, be signed by the address it names, and carry a nonce we issued
 * that has not been used (the nonce is consumed, so a replayed message is refused).
 * Returns the lower-cased address.
 */
export async function verifySiweSignature(
  db: Db,
  params: { message: string; signature: string; expectedDomain: string; chainId: number; now?: Date },
): Promise<string> {
  const now = params.now ?? new Date();
  if (params.message.length > 4_000 || !/^0x[0-9a-fA-F]{130}$/.test(params.signature)) {
    throw invalid("That signature is not valid.");
  }
  const fields = parseSiweMessage(params.message);
  if (!fields.address || !isAddress(fields.address) || !fields.nonce || !fields.domain) {
    throw invalid("That is not a Sign-In with Ethereum message.");
  }
  if (fields.domain !== params.expectedDomain) {
    throw invalid(`The message is for ${fields.domain}, not ${params.expectedDomain}.`);
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
  if (!(await consumeSiweNonce(db, { nonce: fields.nonce, now }))) {
    throw invalid("This sign-in request has expired or was already used. Try again.");
  }
  return fields.address.toLowerCase();
}
