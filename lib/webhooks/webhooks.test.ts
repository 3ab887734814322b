import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "@/db/client";
import { createAgent } from "@/db/queries/agents";
import { createOrganization } from "@/db/queries/organizations";
import { recordPurchaseEvent, setAgentListing } from "@/db/queries/purchases";
import { createUser } from "@/db/queries/users";
import { createWallet } from "@/db/queries/wallets";
import {
  createWebhookEndpoint,
  listWebhookAttempts,
  replayWebhookDelivery,
  rotateWebhookSecret,
  setWebhookEndpointEnabled,
  takeWebhookDeliveriesToSend,
} from "@/db/queries/webhooks";
import { webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { testBackends } from "@/db/testing";
import { createRun } from "@/lib/api/handlers/create-run";
import { apiRequest, doublerSpec, orgWithKey, publishedAgent } from "@/lib/api/fixtures.testing";
import { createAddressPolicy } from "@/lib/agents/runtime/tools/address-policy";
import { attemptWebhookDelivery, MAX_ATTEMPTS_IN_FLIGHT_PER_ORG, type DeliverDeps } from "./deliver";
import { relayWebhookDeliveries } from "./relay";
import { MAX_ATTEMPTS } from "./schedule";
import { generateWebhookSecret } from "./signature";

type Received = { path: string; headers: http.IncomingHttpHeaders; body: string };

/** A webhook receiver on loopback: answers each request with the next of `answers` (then 200). */
async function receiver() {
  const received: Received[] = [];
  const answers: { status: number; headers?: Record<string, string>; delayMs?: number }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = answers.shift() ?? { status: 200 };
      setTimeout(() => {
        res.writeHead(answer.status, answer.headers);
        res.end("ok");
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Receivers run on loopback, which deliveries reach only when the operator allows it.
const allowLoopback: DeliverDeps = { policy: createAddressPolicy("127.0.0.1") };

describe.each(await testBackends())("webhooks on $name", (backend) => {
  let handle: DbHandle;
  let ownerId: string;
  let hook: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    handle = await backend.open();
    ownerId = (await createUser(handle.db, { email: `wh-${randomUUID()}@example.com`, name: "C", passwordHash: null }))
      .id;
    hook = await receiver();
  });
  afterAll(async () => {
    await hook?.close();
    await handle?.close();
  });

  const endpoint = (orgId: string, events: string[], url = hook.url) =>
    handle.db.transaction(async (tx) => {
      const secret = generateWebhookSecret();
      const row = await createWebhookEndpoint(tx, {
        orgId,
        url,
        description: "",
        events,
        secret,
        createdBy: ownerId,
        maxEndpoints: 10,
      });
      return { ...row!, secret };
    });
  const deliveriesOf = (endpointId: string) =>
    handle.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
  const run = (slug: string, secret: string, input: unknown) =>
    createRun(handle.db, apiRequest(`/agents/${slug}/runs`, { secret, body: { input } }), { slug });
  const attempt = (deliveryId: string, orgId: string, deps: DeliverDeps = allowLoopback) =>
    attemptWebhookDelivery(handle.db, { deliveryId, orgId }, deps);

  test("a run's end is a delivery in the same statement: run.succeeded / run.failed to subscribed, enabled endpoints of its organisation only", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { org, secret } = await orgWithKey(handle.db, [agent.id], { credits: 10 });
    const other = await orgWithKey(handle.db, [agent.id], { credits: 10 });
    const both = await endpoint(org.id, ["run.succeeded", "run.failed"]);
    const onlyFailures = await endpoint(org.id, ["run.failed"]);
    const off = await endpoint(org.id, ["run.succeeded"]);
    await setWebhookEndpointEnabled(handle.db, { orgId: org.id, endpointId: off.id, enabled: false, now: new Date() });
    const otherOrgs = await endpoint(other.org.id, ["run.succeeded"]);

    const ok = await (await run(agent.slug, secret, { n: 2 })).json();
    const failed = await (await run(agent.slug, secret, { n: 2, fail: true })).json();
    expect(failed.status).toBe("failed");

    const [first, second] = (await deliveriesOf(both.id)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    expect(first).toMatchObject({ eventType: "run.succeeded", status: "pending", orgId: org.id });
    expect(first!.payload).toMatchObject({
      type: "run.succeeded",
      data: { executionId: ok.id, agentSlug: agent.slug, status: "succeeded", url: `/api/v1/runs/${ok.id}` },
    });
    expect(new Date((first!.payload as { timestamp: string }).timestamp).getTime()).toBeGreaterThan(0);
    expect(second!.payload).toMatchObject({
      type: "run.failed",
      data: { executionId: failed.id, status: "failed", errorCode: failed.error.code, creditRefunded: false },
    });
    expect((await deliveriesOf(onlyFailures.id)).map((d) => d.eventType)).toEqual(["run.failed"]);
    expect(await deliveriesOf(off.id)).toHaveLength(0);
    expect(await deliveriesOf(otherOrgs.id)).toHaveLength(0);
  });

  test("credits.low fires once, on the run that takes the credits left to a tenth of those bought", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { org, secret } = await orgWithKey(handle.db, [agent.id], { credits: 10 });
    const low = await endpoint(org.id, ["credits.low"]);
    for (let i = 0; i < 8; i++) await run(agent.slug, secret, { n: i });
    expect(await deliveriesOf(low.id)).toHaveLength(0);
    await run(agent.slug, secret, { n: 9 }); // 1 of 10 left
    await run(agent.slug, secret, { n: 10 }); // 0 left: already reported
    const rows = await deliveriesOf(low.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toMatchObject({
      type: "credits.low",
      data: { agentId: agent.id, agentSlug: agent.slug, runsLeft: 1, runsBought: 10 },
    });
  });

  test("purchase.confirmed is written with the credits the indexer grants, once per purchase", async () => {
    const buyer = await createUser(handle.db, { email: `${randomUUID()}@example.com`, name: "b", passwordHash: null });
    const address = `0x${randomUUID().replace(/-/g, "").padEnd(40, "0").slice(0, 40)}`;
    await createWallet(handle.db, { userId: buyer.id, address });
    const org = await handle.db.transaction((tx) =>
      createOrganization(tx, { name: "Buyer", slug: `o-${randomUUID()}`, userId: buyer.id }),
    );
    const agent = await createAgent(handle.db, {
      ownerId,
      slug: `p-${randomUUID()}`,
      name: "P",
      description: "",
      category: "data",
      tags: [],
    });
    const listingId = BigInt(Math.floor(Math.random() * 1e9));
    await setAgentListing(handle.db, { agentId: agent.id, ownerId, chainId: 31337, listingId });
    const purchased = await endpoint(org.id, ["purchase.confirmed"]);
    const event = {
      chainId: 31337,
      txHash: `0x${randomUUID().replace(/-/g, "").repeat(2)}`,
      logIndex: 1,
      blockNumber: 5n,
      purchaseId: 1n,
      listingId,
      buyer: address,
      runs: 25n,
      amount: 1000n,
      token: "0x0000000000000000000000000000000000000000",
    };
    await handle.db.transaction((tx) => recordPurchaseEvent(tx, event));
    await handle.db.transaction((tx) => recordPurchaseEvent(tx, event));
    const rows = await deliveriesOf(purchased.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toMatchObject({
      type: "purchase.confirmed",
      data: { agentId: agent.id, runs: 25, amountWei: "1000", buyer: address, txHash: event.txHash },
    });
  });

  /** A pending run.succeeded delivery to `url` for a fresh organisation. */
  async function pendingDelivery(url = hook.url) {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { org, secret } = await orgWithKey(handle.db, [agent.id], { credits: 5 });
    const ep = await endpoint(org.id, ["run.succeeded"], url);
    await run(agent.slug, secret, { n: 1 });
    const [delivery] = await deliveriesOf(ep.id);
    return { org, endpoint: ep, delivery: delivery! };
  }

  test("a receiver that fails twice then succeeds gets the event three times under one id, each verifying; then it is delivered", async () => {
    const { org, endpoint: ep, delivery } = await pendingDelivery();
    hook.received.length = 0;
    hook.answers.push({ status: 500 }, { status: 502 });
    let clock = Date.now();
    const deps: DeliverDeps = { ...allowLoopback, now: () => new Date(clock) };

    expect(await attempt(delivery.id, org.id, deps)).toBe("retry");
    let [row] = await deliveriesOf(ep.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, sentAt: null });
    // Not due yet: a job for it now does nothing.
    expect(await attempt(delivery.id, org.id, deps)).toBe("skipped");
    clock = row!.nextAttemptAt.getTime();
    expect(await attempt(delivery.id, org.id, deps)).toBe("retry");
    clock = (await deliveriesOf(ep.id))[0]!.nextAttemptAt.getTime();
    expect(await attempt(delivery.id, org.id, deps)).toBe("delivered");
    // Delivered: another job for it (a duplicate) sends nothing.
    expect(await attempt(delivery.id, org.id, deps)).toBe("skipped");

    expect(hook.received).toHaveLength(3);
    const ids = new Set(hook.received.map((r) => r.headers["webhook-id"]));
    expect([...ids]).toEqual([`msg_${delivery.id}`]);
    // Signed at the attempt's time (the fake clock), so verify against that time.
    for (const r of hook.received) {
      const headers = r.headers as Record<string, string>;
      expect(r.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(r.body)).toEqual(delivery.payload);
      expect(new Webhook(ep.secret).verify(r.body, headers)).toEqual(delivery.payload);
    }
    [row] = await deliveriesOf(ep.id);
    expect(row).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 200 });
    const attempts = await listWebhookAttempts(handle.db, { orgId: org.id, deliveryIds: [delivery.id] });
    expect(attempts.map((a) => a.statusCode).sort()).toEqual([200, 500, 502]);
    expect(attempts.every((a) => a.durationMs >= 0)).toBe(true);
    // Another organisation sees none of its attempts.
    expect(await listWebhookAttempts(handle.db, { orgId: randomUUID(), deliveryIds: [delivery.id] })).toEqual([]);
  });

  test("the signature verifies with the reference library at real time, and with both secrets during a rotation", async () => {
    const { org, endpoint: ep, delivery } = await pendingDelivery();
    const newSecret = generateWebhookSecret();
    await rotateWebhookSecret(handle.db, {
      orgId: org.id,
      endpointId: ep.id,
      secret: newSecret,
      previousUntil: new Date(Date.now() + 86_400_000),
    });
    hook.received.length = 0;
    expect(await attempt(delivery.id, org.id)).toBe("delivered");
    const [r] = hook.received;
    const headers = r!.headers as Record<string, string>;
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(new Webhook(ep.secret).verify(r!.body, headers)).toEqual(delivery.payload);
    expect(new Webhook(newSecret).verify(r!.body, headers)).toEqual(delivery.payload);
    expect(() => new Webhook(generateWebhookSecret()).verify(r!.body, headers)).toThrow();
  });

  test("410 Gone disables the endpoint and drops its other pending deliveries", async () => {
    const { org, endpoint: ep, delivery } = await pendingDelivery();
    // A second pending delivery of the same endpoint.
    const [second] = await handle.db
      .insert(webhookDeliveries)
      .values({ endpointId: ep.id, orgId: org.id, eventType: "run.succeeded", payload: { type: "run.succeeded" } })
      .returning();
    hook.answers.push({ status: 410 });
    expect(await attempt(delivery.id, org.id)).toBe("gone");
    const [endpointRow] = await handle.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.id));
    expect(endpointRow!.disabledAt).not.toBeNull();
    expect(endpointRow!.disabledReason).toMatch(/410/);
    const rows = await deliveriesOf(ep.id);
    expect(rows.find((d) => d.id === delivery.id)).toMatchObject({ status: "failed", lastStatusCode: 410 });
    expect(rows.find((d) => d.id === second!.id)).toMatchObject({ status: "cancelled" });
    expect(await attempt(second!.id, org.id)).toBe("skipped");
    // A disabled endpoint's delivery cannot be replayed until it is turned on again.
    expect(await replayWebhookDelivery(handle.db, { orgId: org.id, deliveryId: delivery.id, now: new Date() })).toBe(
      undefined,
    );
  });

  test("a loopback or private target is refused at connect time unless allowed; nothing reaches it", async () => {
    const { org, endpoint: ep, delivery } = await pendingDelivery();
    hook.received.length = 0;
    const strict: DeliverDeps = { policy: createAddressPolicy("") };
    expect(await attempt(delivery.id, org.id, strict)).toBe("retry");
    expect(hook.received).toHaveLength(0);
    const [row] = await deliveriesOf(ep.id);
    expect(row).toMatchObject({ status: "pending", lastStatusCode: null });
    expect(row!.lastError).toMatch(/private or reserved/);

    // A name that resolves to a private address is refused the same way (DNS rebinding).
    const named = await pendingDelivery(hook.url.replace("127.0.0.1", "hooks.example.com"));
    const rebinding: DeliverDeps = {
      policy: createAddressPolicy(""),
      lookup: (_host, callback) => callback(null, [{ address: "10.0.0.7", family: 4 }]),
    };
    expect(await attempt(named.delivery.id, named.org.id, rebinding)).toBe("retry");
    expect((await deliveriesOf(named.endpoint.id))[0]!.lastError).toMatch(/private or reserved/);
  });

  test("Retry-After is honoured; a redirect is not followed; after the last attempt the delivery is given up", async () => {
    const { org, endpoint: ep, delivery } = await pendingDelivery();
    hook.answers.push({ status: 503, headers: { "retry-after": "600" } });
    const now = Date.now();
    expect(await attempt(delivery.id, org.id)).toBe("retry");
    const [row] = await deliveriesOf(ep.id);
    // The schedule's first step is 5 s; the receiver asked for 10 minutes.
    expect(row!.nextAttemptAt.getTime() - now).toBeGreaterThanOrEqual(599_000);

    const redirected = await pendingDelivery();
    hook.received.length = 0;
    hook.answers.push({ status: 307, headers: { location: `${hook.url}/elsewhere` } });
    expect(await attempt(redirected.delivery.id, redirected.org.id)).toBe("retry");
    expect(hook.received.map((r) => r.path)).toEqual(["/hooks"]);
    expect((await deliveriesOf(redirected.endpoint.id))[0]!.lastError).toMatch(/not followed/);

    const last = await pendingDelivery();
    await handle.db
      .update(webhookDeliveries)
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where(eq(webhookDeliveries.id, last.delivery.id));
    hook.answers.push({ status: 500 });
    expect(await attempt(last.delivery.id, last.org.id)).toBe("failed");
    expect((await deliveriesOf(last.endpoint.id))[0]).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
  });

  test("one organisation has at most a few attempts in flight; the rest are put back without counting an attempt", async () => {
    const agent = await publishedAgent(handle.db, ownerId, doublerSpec);
    const { org, secret } = await orgWithKey(handle.db, [agent.id], { credits: 10 });
    const ep = await endpoint(org.id, ["run.succeeded"]);
    const n = MAX_ATTEMPTS_IN_FLIGHT_PER_ORG + 2;
    for (let i = 0; i < n; i++) await run(agent.slug, secret, { n: i });
    const rows = await deliveriesOf(ep.id);
    for (let i = 0; i < n; i++) hook.answers.push({ status: 200, delayMs: 300 });
    const results = await Promise.all(rows.map((d) => attempt(d.id, org.id)));
    expect(results.filter((r) => r === "delivered")).toHaveLength(MAX_ATTEMPTS_IN_FLIGHT_PER_ORG);
    expect(results.filter((r) => r === "deferred")).toHaveLength(2);
    const deferred = (await deliveriesOf(ep.id)).filter((d) => d.status === "pending");
    expect(deferred).toHaveLength(2);
    expect(deferred.every((d) => d.attempts === 0 && d.sentAt === null)).toBe(true);
  });

  test("the relay hands each due delivery to the queue once, and again only when its job was lost", async () => {
    const { delivery } = await pendingDelivery();
    const sent: { data: { deliveryId: string }; options: { startAfter?: Date } }[] = [];
    const boss = {
      send: async (_queue: string, data: { deliveryId: string }, options: { startAfter?: Date }) => {
        sent.push({ data, options });
        return "job";
      },
      notifyWorker: () => {},
    } as unknown as Parameters<typeof relayWebhookDeliveries>[1];
    const now = new Date(Date.now() + 1000); // (rows have microseconds, a Date only milliseconds)
    await relayWebhookDeliveries(handle.db, boss, now);
    expect(sent.filter((s) => s.data.deliveryId === delivery.id)).toHaveLength(1);
    sent.length = 0;
    await relayWebhookDeliveries(handle.db, boss, now);
    expect(sent.filter((s) => s.data.deliveryId === delivery.id)).toHaveLength(0);
    // Three minutes on, still pending and nobody attempting it: the job was lost; sent again.
    const later = new Date(now.getTime() + 180_000);
    expect(
      (await takeWebhookDeliveriesToSend(handle.db, { now: later, limit: 1000, lostAfterMs: 120_000, perOrg: 8 })).map(
        (d) => d.id,
      ),
    ).toContain(delivery.id);
  });

  test("the relay hands at most a few of one organisation's deliveries to the queue at once; others' go meanwhile", async () => {
    const flood = await pendingDelivery();
    const quiet = await pendingDelivery();
    await handle.db.insert(webhookDeliveries).values(
      Array.from({ length: 20 }, () => ({
        endpointId: flood.endpoint.id,
        orgId: flood.org.id,
        eventType: "run.succeeded",
        payload: { type: "run.succeeded" },
      })),
    );
    const take = async () =>
      // A second ahead: the rows' times have microseconds, a Date only milliseconds.
      (
        await takeWebhookDeliveriesToSend(handle.db, {
          now: new Date(Date.now() + 1000),
          limit: 1000,
          lostAfterMs: 120_000,
          perOrg: 8,
        })
      ).map((d) => d.orgId);
    const first = await take();
    expect(first.filter((o) => o === flood.org.id)).toHaveLength(8);
    expect(first.filter((o) => o === quiet.org.id)).toHaveLength(1);
    expect((await take()).filter((o) => o === flood.org.id)).toHaveLength(0);
    // Three finish: three more go.
    const sent = (await deliveriesOf(flood.endpoint.id)).filter((d) => d.sentAt !== null).slice(0, 3);
    for (const d of sent)
      await handle.db
        .update(webhookDeliveries)
        .set({ status: "delivered", sentAt: null })
        .where(eq(webhookDeliveries.id, d.id));
    expect((await take()).filter((o) => o === flood.org.id)).toHaveLength(3);
  });
});
