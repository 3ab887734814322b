/**
 * The webhook actions through their wrapper, on a real database: only owners manage
 * endpoints, outsiders learn nothing, targets are checked, and refusals change nothing.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { listAuditEntriesForOrg } from "@/db/queries/audit-log";
import { createOrganization } from "@/db/queries/organizations";
import { createUser } from "@/db/queries/users";
import { listWebhookDeliveries, listWebhookEndpoints } from "@/db/queries/webhooks";
import { memberships, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { testBackends } from "@/db/testing";
import type { SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { MAX_ENDPOINTS_PER_ORG } from "@/lib/webhooks/events";

const state = vi.hoisted(() => ({ user: null as SessionUser | null, db: undefined as unknown, nudges: 0 }));

vi.mock("@/lib/auth/session", () => ({
  requireUser: async () => {
    if (!state.user) throw new AppError("UNAUTHORIZED");
    return state.user;
  },
}));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));
// The relay and its queue are tested in lib/webhooks; here it is enough that actions wake it.
vi.mock("@/lib/webhooks/relay", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/webhooks/relay")>()),
  nudgeWebhookRelay: () => {
    state.nudges++;
  },
}));

const {
  createWebhookAction,
  deleteWebhookAction,
  rotateWebhookSecretAction,
  sendTestWebhookAction,
  setWebhookEnabledAction,
} = await import("./endpoints");
const { replayWebhookDeliveryAction } = await import("./deliveries");

describe.each(await testBackends())("webhook actions on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
  });
  afterAll(() => handle?.close());

  async function person(name: string): Promise<SessionUser> {
    const email = `${name}-${randomUUID()}@example.com`;
    const user = await createUser(handle.db, { email, name, passwordHash: null });
    return { id: user.id, name, email };
  }
  /** An organisation with an owner and a viewer ("member"). */
  async function team() {
    const owner = await person("owner");
    const member = await person("member");
    const org = await handle.db.transaction((tx) =>
      createOrganization(tx, { name: "Team", slug: `t-${randomUUID()}`, userId: owner.id }),
    );
    await handle.db.insert(memberships).values({ orgId: org.id, userId: member.id, role: "viewer" });
    return { owner, member, org };
  }
  const as = (user: SessionUser | null) => {
    state.user = user;
  };
  const endpointsOf = (orgId: string) => listWebhookEndpoints(handle.db, { orgId });

  test("an owner adds an endpoint and gets its secret once; the audit log records it without the secret", async () => {
    const { owner, org } = await team();
    as(owner);
    const created = await createWebhookAction({
      orgId: org.id,
      url: "https://hooks.example.com/ai-nomads",
      events: ["run.succeeded", "run.failed", "run.failed"],
    });
    expect(created).toMatchObject({ ok: true, data: { url: "https://hooks.example.com/ai-nomads" } });
    if (!created.ok) return;
    expect(created.data.secret).toMatch(/^whsec_/);
    const [endpoint] = await endpointsOf(org.id);
    expect(endpoint).toMatchObject({ events: ["run.succeeded", "run.failed"], disabledAt: null });
    expect(endpoint).not.toHaveProperty("secret");
    const audit = await listAuditEntriesForOrg(handle.db, { orgId: org.id, targetType: "webhook_endpoint", limit: 5 });
    expect(audit.map((a) => a.action)).toEqual(["webhook.created"]);
    expect(JSON.stringify(audit)).not.toContain(created.data.secret);
  });

  test("members, outsiders and signed-out visitors are refused, and nothing changes", async () => {
    const { owner, member, org } = await team();
    as(owner);
    const created = await createWebhookAction({
      orgId: org.id,
      url: "https://hooks.example.com/x",
      events: ["credits.low"],
    });
    if (!created.ok) throw new Error("setup");
    const ref = { orgId: org.id, endpointId: created.data.id };
    const outsider = await person("outsider");
    for (const [who, code] of [
      [member, "FORBIDDEN"],
      [outsider, "NOT_FOUND"],
      [null, "UNAUTHORIZED"],
    ] as const) {
      as(who);
      for (const result of [
        await createWebhookAction({ orgId: org.id, url: "https://evil.example.com/", events: ["run.failed"] }),
        await setWebhookEnabledAction({ ...ref, enabled: false }),
        await rotateWebhookSecretAction(ref),
        await sendTestWebhookAction(ref),
        await deleteWebhookAction(ref),
      ])
        expect(result, String(who?.name)).toMatchObject({ ok: false, error: { code } });
    }
    const [row] = await handle.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.orgId, org.id));
    expect(await endpointsOf(org.id)).toHaveLength(1);
    expect(row).toMatchObject({ disabledAt: null, previousSecret: null });
    expect(await listWebhookDeliveries(handle.db, { orgId: org.id, limit: 10 })).toHaveLength(0);
    // Another owner's endpoint id under one's own organisation is not found either.
    const other = await team();
    as(other.owner);
    expect(await deleteWebhookAction({ orgId: other.org.id, endpointId: ref.endpointId })).toMatchObject({
      ok: false,
      error: { code: "NOT_FOUND" },
    });
  });

  test("private, loopback and plain-http targets, unknown events and too many endpoints are refused", async () => {
    const { owner, org } = await team();
    as(owner);
    for (const url of [
      "http://hooks.example.com/",
      "https://127.0.0.1/",
      "https://localhost/",
      "https://10.0.0.5/",
      "ftp://x.example.com/",
    ]) {
      const result = await createWebhookAction({ orgId: org.id, url, events: ["run.failed"] });
      expect(result, url).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
      if (!result.ok) expect(result.error.fieldErrors?.url?.length, url).toBe(1);
    }
    const unknown = await createWebhookAction({
      orgId: org.id,
      url: "https://hooks.example.com/",
      events: ["run.everything" as "run.failed"],
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: "INVALID_INPUT" } });
    expect(await endpointsOf(org.id)).toHaveLength(0);
    const made = await Promise.all(
      Array.from({ length: MAX_ENDPOINTS_PER_ORG + 2 }, (_, i) =>
        createWebhookAction({ orgId: org.id, url: `https://hooks.example.com/${i}`, events: ["run.failed"] }),
      ),
    );
    expect(made.filter((r) => r.ok)).toHaveLength(MAX_ENDPOINTS_PER_ORG);
    expect(made.filter((r) => !r.ok && r.error.code === "CONFLICT")).toHaveLength(2);
    expect(await endpointsOf(org.id)).toHaveLength(MAX_ENDPOINTS_PER_ORG);
  });

  test("test event, rotation, disable, replay and delete do what they say", async () => {
    const { owner, org } = await team();
    as(owner);
    const created = await createWebhookAction({
      orgId: org.id,
      url: "https://hooks.example.com/t",
      events: ["run.failed"],
    });
    if (!created.ok) throw new Error("setup");
    const ref = { orgId: org.id, endpointId: created.data.id };

    const nudges = state.nudges;
    const sent = await sendTestWebhookAction(ref);
    expect(sent.ok).toBe(true);
    expect(state.nudges).toBe(nudges + 1);
    const [delivery] = await listWebhookDeliveries(handle.db, { orgId: org.id, limit: 5 });
    expect(delivery).toMatchObject({ eventType: "webhook.test", status: "pending" });

    const rotated = await rotateWebhookSecretAction(ref);
    expect(rotated.ok && rotated.data.secret !== created.data.secret).toBe(true);
    const [row] = await handle.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ref.endpointId));
    expect(row!.previousSecret).toBe(created.data.secret);
    expect(row!.previousSecretExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);

    // Mark the test delivery failed; a replay sends it again, pending, same id.
    await handle.db.update(webhookDeliveries).set({ status: "failed" }).where(eq(webhookDeliveries.id, delivery!.id));
    expect(await replayWebhookDeliveryAction({ orgId: org.id, deliveryId: delivery!.id })).toMatchObject({
      ok: true,
      data: { id: delivery!.id },
    });
    expect((await listWebhookDeliveries(handle.db, { orgId: org.id, limit: 5 }))[0]).toMatchObject({
      status: "pending",
    });

    expect((await setWebhookEnabledAction({ ...ref, enabled: false })).ok).toBe(true);
    expect((await listWebhookDeliveries(handle.db, { orgId: org.id, limit: 5 }))[0]).toMatchObject({
      status: "cancelled",
    });
    expect(await sendTestWebhookAction(ref)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await replayWebhookDeliveryAction({ orgId: org.id, deliveryId: delivery!.id })).toMatchObject({ ok: false });

    expect((await deleteWebhookAction(ref)).ok).toBe(true);
    expect(await endpointsOf(org.id)).toHaveLength(0);
    const audit = await listAuditEntriesForOrg(handle.db, { orgId: org.id, targetType: "webhook_endpoint", limit: 10 });
    expect(audit.map((a) => a.action).sort()).toEqual([
      "webhook.created",
      "webhook.deleted",
      "webhook.disabled",
      "webhook.secret_rotated",
    ]);
  });
});
