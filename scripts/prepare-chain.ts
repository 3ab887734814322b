import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openDb } from "@/db/client";
import { seedDemoChainData } from "@/scripts/seed/demo-chain";
import { deploymentFile, resolveChainConfig } from "@/lib/chain/config";
import { contractsCodeHash, contractsDeployed, deployPlatformContracts } from "@/lib/chain/deploy";
import { anvilAccounts } from "@/lib/chain/dev-accounts";
import { startAnvil, type LocalChain } from "@/lib/chain/local-chain";
import { dataDir, env } from "@/lib/env";

/**
 * With CHAIN_RPC_URL set, the configured chain is used as is. Otherwise a local anvil
 * chain runs on loopback with its state in DATA_DIR/chain, and the contracts are
 * deployed through thirdweb unless they already are; their addresses go to
 * DATA_DIR/chain/deployment.json, where the app reads them.
 */
export async function prepareChain(): Promise<LocalChain | null> {
  if (env.CHAIN_RPC_URL) {
    if (!resolveChainConfig())
      console.warn(
        "[chain] CHAIN_RPC_URL is set without MARKETPLACE_ADDRESS and REPUTATION_ADDRESS: chain features are off",
      );
    // Never the URL itself: it may carry a provider key.
    else console.log(`[chain] using the configured chain ${env.CHAIN_ID} (CHAIN_RPC_URL)`);
    return null;
  }
  const chain = await startAnvil({
    port: env.ANVIL_PORT,
    chainId: env.CHAIN_ID,
    stateFile: path.join(dataDir(), "chain", "anvil-state.json"),
  });
  console.log(`[chain] local anvil on ${chain.rpcUrl} (chain ${env.CHAIN_ID})`);
  const existing = resolveChainConfig();
  const savedCode = existsSync(deploymentFile())
    ? (JSON.parse(readFileSync(deploymentFile(), "utf8")) as { codeHash?: string }).codeHash
    : undefined;
  if (existing && savedCode !== contractsCodeHash())
    console.log("[chain] the contracts changed since the last local deployment: deploying them again");
  else if (existing && existing.rpcUrl === chain.rpcUrl && (await contractsDeployed(existing))) {
    console.log(
      `[chain] contracts already deployed: marketplace ${existing.marketplace}, reputation ${existing.reputation}`,
    );
    return chain;
  }
  const deployed = await deployPlatformContracts({
    rpcUrl: chain.rpcUrl,
    chainId: env.CHAIN_ID,
    deployerKey: anvilAccounts[0].privateKey,
    feeBps: 500,
  });
  mkdirSync(path.dirname(deploymentFile()), { recursive: true });
  writeFileSync(
    deploymentFile(),
    JSON.stringify({ ...deployed, startBlock: deployed.startBlock.toString(), codeHash: contractsCodeHash() }, null, 2),
  );
  console.log(
    `[chain] deployed through thirdweb: marketplace ${deployed.marketplace}, reputation ${deployed.reputation}`,
  );
  if (env.SEED_DEMO_DATA) {
    // A fresh chain: list the demo agents and add demo purchases and ratings.
    const handle = await openDb(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: dataDir() });
    try {
      const seeded = await seedDemoChainData(handle.db, deployed);
      console.log(`[chain] demo data: ${seeded.listed} listings, ${seeded.purchases} purchases with ratings`);
    } finally {
      await handle.close();
    }
  }
  return chain;
}
