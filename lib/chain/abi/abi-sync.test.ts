import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { contracts, renderAbiModule } from "@/scripts/generate-abis";

// The committed ABIs and bytecode must be what forge builds from contracts/src
// (`npm run test:contracts` builds contracts/out before the unit tests run).
test.each(contracts)("lib/chain/abi/$file matches the forge build", ({ name, file, abiName, bytecodeName }) => {
  const artifact = path.join("contracts", "out", `${name}.sol`, `${name}.json`);
  expect(existsSync(artifact), `${artifact} is missing: run npm run contracts:build`).toBe(true);
  const committed = readFileSync(path.join("lib", "chain", "abi", file), "utf8");
  expect(committed, "stale ABI: run npm run contracts:build").toBe(renderAbiModule(name, abiName, bytecodeName));
});
