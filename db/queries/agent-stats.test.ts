import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "../client";
import { testBackends } from "../testing";
import { getAgentRunStats, listPublicVersions } from "./agent-stats";
import { createAgent, publishAgentVersion } from "./agents";
import { createExecution, finishExecution } from "./executions.testing";
import { createUser } from "./users";

describe.each(await testBackends())("agent stats on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());

  test("count finished paid runs only, with success rate and median latency", async () => {
    const owner = await createUser(handle.db, { email: `${randomUUID()}@example.com`, name: "o", passwordHash: null });
    const agent = await createAgent(handle.db, {
      ownerId: owner.id,
      slug: `s-${randomUUID()}`,
      name: "S",
      description: "",
      category: "data",
      tags: [],
    });
    const version = await handle.db.transaction((tx) =>
      publishAgentVersion(tx, {
        agentId: agent.id,
        ownerId: owner.id,
        spec: {},
        specHash: "h",
        changelog: "first",
        priceWei: "5",
        payees: [],
      }),
    );
    expect(await getAgentRunStats(handle.db, { agentId: agent.id })).toEqual({
      runs: 0,
      successes: 0,
      successRate: null,
      p50LatencyMs: null,
    });

    const record = async (
      source: "api" | "playground",
      status: "succeeded" | "failed" | "running",
      durationMs: number,
    ) => {
      const { id } = await createExecution(handle.db, {
        agentId: agent.id,
        versionId: version!.id,
        source,
        input: {},
        inputHash: "i",
        startedAt: new Date(),
      });
      if (status === "running") return;
      await finishExecution(handle.db, {
        id,
        status,
        output: null,
        outputHash: null,
        steps: [],
        errorCode: null,
        errorMessage: null,
        tokensIn: 0,
        tokensOut: 0,
        durationMs,
        costWei: "5",
        receiptHash: "r",
        finishedAt: new Date(),
      });
    };
    await record("api", "succeeded", 10);
    await record("api", "succeeded", 30);
    await record("api", "failed", 20);
    await record("api", "succeeded", 40);
    await record("playground", "succeeded", 1);
    await record("api", "running", 0);

    expect(await getAgentRunStats(handle.db, { agentId: agent.id })).toEqual({
      runs: 4,
      successes: 3,
      successRate: 0.75,
      p50LatencyMs: 25,
    });
    expect(await listPublicVersions(handle.db, { agentId: agent.id })).toEqual([
      expect.objectContaining({ version: 1, changelog: "first", priceWei: "5" }),
    ]);
  });
});
