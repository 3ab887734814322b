/**
 * Receipts end to end on a local anvil chain: metered API runs → batches with Merkle
 * roots → attested on AgentReputation by the attester → each receipt's proof verifies
 * against the on-chain root, and a tampered receipt does not. PGlite and Postgres.
 */
import { eq } from "drizzle-orm";
import { sendAndConfirmTransaction } from "thirdweb";
import { privateKeyToAccount } from "thirdweb/wallets";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "@/db/client";
import { createExecution } from "@/db/queries/executions.testing";
import { setAgentListing } from "@/db/queries/purchases";
import { createUser } from "@/db/queries/users";
import { executions, receiptBatches } from "@/db/schema";
import { testBackends } from "@/db/testing";
import { apiRequest, doublerSpec, orgWithKey, publishedAgent } from "@/lib/api/fixtures.testing";
import { createRun } from "@/lib/api/handlers/create-run";
import { getReceipt } from "@/lib/api/handlers/get-receipt";
import { marketplaceContract, reputationContract, thirdwebClient } from "@/lib/chain/client";
import type { ChainConfig } from "@/lib/chain/config";
import { NATIVE_TOKEN, prepareAttest, prepareRegisterListing, readStats } from "@/lib/chain/contracts";
import { deployPlatformContracts } from "@/lib/chain/deploy";
import { anvilAccounts } from "@/lib/chain/dev-accounts";
import { startAnvil, type LocalChain } from "@/lib/chain/local-chain";
import { attestPendingBatches, batchReceipts, runAttestation } from "./attest";
import { readAttestedBatch, verifyReceiptProof, type ReceiptProof } from "./proof";

let anvil: LocalChain;
let config: ChainConfig;
const client = thirdwebClient();
const attester = privateKeyToAccount({ client, privateKey: anvilAccounts[0].privateKey });
const creator = privateKeyToAccount({ client, privateKey: anvilAccounts[1].privateKey });

beforeAll(async () => {
  anvil = await startAnvil({ port: 20_000 + Math.floor(Math.random() * 20_000), chainId: 31337 });
  config = await deployPlatformContracts({
    rpcUrl: anvil.rpcUrl,
    chainId: 31337,
    deployerKey: anvilAccounts[0].privateKey,
    feeBps: 500,
  });
}, 60_000);
afterAll(() => anvil?.stop());

describe.each(await testBackends())("receipt attestation on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  async function listedAgentWithRuns(runs: number) {
    const db = handle.db;
    const owner = await createUser(db, {
      email: `attest-${crypto.randomUUID()}@example.com`,
      name: "Creator",
      passwordHash: null,
    });
    const agent = await publishedAgent(db, owner.id, doublerSpec);
    const registered = await sendAndConfirmTransaction({
      account: creator,
      transaction: prepareRegisterListing(marketplaceContract(config), {
        token: NATIVE_TOKEN,
        pricePerRun: 1000n,
        payees: [{ account: creator.address as `0x${string}`, shareBps: 10_000 }],
      }),
    });
    const listingId = BigInt(registered.logs[0]!.topics[1]!);
    await setAgentListing(db, { agentId: agent.id, ownerId: owner.id, chainId: config.chainId, listingId });
    const { secret } = await orgWithKey(db, [agent.id], { credits: runs + 5 });
    const ids: string[] = [];
    for (let i = 0; i < runs; i++) {
      const response = await createRun(
        db,
        apiRequest(`/agents/${agent.slug}/runs`, { secret, body: { input: { n: i, fail: i === 1 } } }),
        { slug: agent.slug },
      );
      ids.push((await response.json()).id);
    }
    // The creator's own playground run is never attested.
    await createExecution(db, {
      agentId: agent.id,
      versionId: null,
      source: "playground",
      input: {},
      inputHash: "h",
      startedAt: new Date(),
    });
    const receiptOf = async (id: string) =>
      (await (await getReceipt(db, apiRequest(`/runs/${id}/receipt`, { secret }), { id: id })).json()) as ReceiptProof;
    return { agent, listingId, ids, receiptOf };
  }

  test("runs are batched, attested on-chain once, and every receipt proves against the on-chain root", async () => {
    const { listingId, ids, receiptOf } = await listedAgentWithRuns(5);
    expect((await receiptOf(ids[0]!)).attestation).toBeNull();

    const pass = await runAttestation(handle.db, config, attester);
    expect(pass.attested).toBeGreaterThanOrEqual(1);
    expect(await runAttestation(handle.db, config, attester)).toEqual({ batched: 0, attested: 0 });

    const receipts = await Promise.all(ids.map(receiptOf));
    const root = receipts[0]!.attestation!.root;
    for (const r of receipts) {
      expect(r.attestation).toMatchObject({
        status: "attested",
        root,
        listingId: listingId.toString(),
        contract: config.reputation.toLowerCase(),
      });
      expect(r.attestation!.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(verifyReceiptProof(r)).toEqual({ hashMatches: true, proofValid: true });
    }
    expect(await readAttestedBatch(config, listingId.toString(), root)).toBeGreaterThan(0n);
    const stats = await readStats(reputationContract(config), listingId);
    expect(stats).toMatchObject({ runs: 5n, successes: 4n, lastRoot: root });

    // Tampering with the record, the hash or the proof breaks verification.
    const r = receipts[2]!;
    expect(
      verifyReceiptProof({ ...r, receipt: { ...r.receipt, status: "succeeded", outputHash: "0".repeat(64) } }),
    ).toEqual({ hashMatches: false, proofValid: false });
    expect(verifyReceiptProof({ ...r, receipt: { ...r.receipt, costWei: "1" } }).proofValid).toBe(false);
    expect(
      verifyReceiptProof({
        ...r,
        attestation: { ...r.attestation!, proof: [...r.attestation!.proof.slice(1), r.attestation!.proof[0]!] },
      }).proofValid,
    ).toBe(false);
    expect(await readAttestedBatch(config, listingId.toString(), `0x${"ab".repeat(32)}`)).toBe(0n);
  }, 60_000);

  test("a batch sent on-chain before its row was updated is recognised, not sent twice", async () => {
    const { agent, listingId } = await listedAgentWithRuns(2);
    expect(await batchReceipts(handle.db, config)).toBeGreaterThanOrEqual(1);
    const [batch] = await handle.db.select().from(receiptBatches).where(eq(receiptBatches.agentId, agent.id));
    const sent = await sendAndConfirmTransaction({
      account: attester,
      transaction: prepareAttest(reputationContract(config), {
        listingId,
        runs: 2n,
        successes: 1n,
        p50LatencyMs: batch!.p50LatencyMs,
        p99LatencyMs: batch!.p99LatencyMs,
        receiptsRoot: batch!.root as `0x${string}`,
      }),
    });
    await attestPendingBatches(handle.db, config, attester);
    const [after] = await handle.db.select().from(receiptBatches).where(eq(receiptBatches.id, batch!.id));
    expect(after).toMatchObject({ txHash: sent.transactionHash });
    expect(after!.attestedAt).not.toBeNull();
    expect((await readStats(reputationContract(config), listingId)).runs).toBe(2n);
    const unbatched = await handle.db
      .select({ id: executions.id })
      .from(executions)
      .where(eq(executions.agentId, agent.id));
    expect(unbatched).toHaveLength(3); // two API runs in the batch, one playground run outside it
  }, 60_000);
});
