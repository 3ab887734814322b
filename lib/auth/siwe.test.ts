import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import type { DbHandle } from "@/db/client";
import { testBackends } from "@/db/testing";
import { issueSiweNonce, SIWE_NONCE_TTL_MS, verifySiweSignature } from "./siwe";

const DOMAIN = "localhost:3000";
const CHAIN_ID = 31337;

describe.each(await testBackends())("Sign-In with Ethereum on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  const account = privateKeyToAccount(generatePrivateKey());

  async function signed(overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {}, signer = account) {
    const { nonce, binding } = await issueSiweNonce(handle.db);
    const message = createSiweMessage({
      domain: DOMAIN,
      address: account.address,
      uri: `http://${DOMAIN}`,
      version: "1",
      chainId: CHAIN_ID,
      nonce,
      issuedAt: new Date(),
      ...overrides,
    });
    return { message, signature: await signer.signMessage({ message }), nonce, binding };
  }

  const verify = (input: { message: string; signature: string; binding?: string }, now?: Date) =>
    verifySiweSignature(handle.db, { binding: undefined, ...input, chainId: CHAIN_ID, now });

  test("a fresh signed message signs in the address it names", async () => {
    expect(await verify(await signed())).toBe(account.address.toLowerCase());
  });

  test("replaying the same message is refused", async () => {
    const input = await signed();
    await verify(input);
    await expect(verify(input)).rejects.toThrow(/already used/);
  });

  test("two concurrent uses of one nonce: exactly one succeeds", async () => {
    const input = await signed();
    const results = await Promise.allSettled([verify(input), verify(input), verify(input)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  test("a nonce past its expiry is refused", async () => {
    const input = await signed();
    await expect(verify(input, new Date(Date.now() + SIWE_NONCE_TTL_MS + 1_000))).rejects.toThrow(/expired/);
  });

  test("a nonce the server never issued is refused", async () => {
    const message = createSiweMessage({
      domain: DOMAIN,
      address: account.address,
      uri: `http://${DOMAIN}`,
      version: "1",
      chainId: CHAIN_ID,
      nonce: "madeUpNonce12345",
    });
    await expect(verify({ message, signature: await account.signMessage({ message }), binding: "x" })).rejects.toThrow(
      /expired, was already used/,
    );
  });

  test.each([
    ["another domain", { domain: "evil.example" }, /evil\.example, not localhost:3000/],
    ["our domain but another URI", { uri: "https://evil.example/login" }, /URI is not on localhost:3000/],
    ["another chain", { chainId: 1 }, /Switch your wallet to chain 31337/],
    ["an expiration time in the past", { expirationTime: new Date(Date.now() - 1_000) }, /expired/],
    ["an issue time in the future", { issuedAt: new Date(Date.now() + 3_600_000) }, /future/],
    ["a not-before time in the future", { notBefore: new Date(Date.now() + 3_600_000) }, /not valid yet/],
  ])("a message for %s is refused", async (_name, overrides, error) => {
    await expect(verify(await signed(overrides))).rejects.toThrow(error);
  });

  test.each(["localhost:3000", "127.0.0.1:3000"])(
    "the local address %s that npm start serves is accepted",
    async (domain) => {
      expect(await verify(await signed({ domain, uri: `http://${domain}/sign-in` }))).toBe(
        account.address.toLowerCase(),
      );
    },
  );

  test("a nonce works only in the browser that asked for it (its binding cookie)", async () => {
    const input = await signed();
    const other = await issueSiweNonce(handle.db);
    await expect(verify({ ...input, binding: other.binding })).rejects.toThrow(/started in another browser/);
    await expect(verify({ ...input, binding: undefined })).rejects.toThrow(/started in another browser/);
    expect(await verify(input)).toBe(account.address.toLowerCase());
  });

  test("a signature by another key is refused and does not burn the nonce", async () => {
    const other = privateKeyToAccount(generatePrivateKey());
    const forged = await signed({}, other);
    await expect(verify(forged)).rejects.toThrow(/does not match/);
    const genuine = await account.signMessage({ message: forged.message });
    expect(await verify({ ...forged, signature: genuine })).toBe(account.address.toLowerCase());
  });

  test("an edited message no longer matches its signature", async () => {
    const input = await signed();
    const tampered = input.message.replace("Version: 1", "Version: 1\nResources:\n- https://evil.example");
    await expect(verify({ ...input, message: tampered })).rejects.toThrow();
  });

  test.each([
    ["not hex", "hello"],
    ["too short", "0x1234"],
  ])("a malformed signature (%s) is refused", async (_name, signature) => {
    const input = await signed();
    await expect(verify({ ...input, signature })).rejects.toThrow(/not valid/);
  });

  test("text that is not a SIWE message is refused", async () => {
    const signature = await account.signMessage({ message: "hello" });
    await expect(verify({ message: "hello", signature })).rejects.toThrow(/not a Sign-In with Ethereum message/);
  });
});
