import { expect, test } from "vitest";
import { parseEnv } from "./env";

const chain = {
  CHAIN_RPC_URL: "https://rpc.example/v3/secret-key",
  MARKETPLACE_ADDRESS: "0x" + "1".repeat(40),
  REPUTATION_ADDRESS: "0x" + "2".repeat(40),
};

test.each([
  ["the embedded default", {}, true],
  ["a configured database", { DATABASE_URL: "postgres://db.example/app" }, false],
  ["a configured chain", { ...chain, CHAIN_PUBLIC_RPC_URL: "https://rpc.example/public" }, false],
  ["a configured database, asked for", { DATABASE_URL: "postgres://db.example/app", SEED_DEMO_DATA: "true" }, true],
  ["the embedded default, turned off", { SEED_DEMO_DATA: "false" }, false],
])("demo data with %s: %s", (_name, source, expected) => {
  expect(parseEnv(source).SEED_DEMO_DATA).toBe(expected);
});

test("a private CHAIN_RPC_URL needs a CHAIN_PUBLIC_RPC_URL for browsers", () => {
  expect(() => parseEnv(chain)).toThrow(/CHAIN_PUBLIC_RPC_URL: required when CHAIN_RPC_URL is set/);
  expect(parseEnv({ ...chain, CHAIN_PUBLIC_RPC_URL: "https://rpc.example/public" }).CHAIN_RPC_URL).toBe(
    chain.CHAIN_RPC_URL,
  );
});
