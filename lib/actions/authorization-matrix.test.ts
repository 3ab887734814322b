/**
 * The authorization matrix of the organisation actions: each tried as each role, as a
 * member of another organisation, and signed out. Allowed roles are written out here (not
 * read from lib/auth/permissions.ts), so a change to the table shows up as a failure; a
 * refusal is FORBIDDEN for members, NOT_FOUND for outsiders, UNAUTHORIZED signed out, and
 * changes nothing.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { createApiKey } from "@/db/queries/api-keys";
import { createInvitation } from "@/db/queries/invitations";
import { addMembership, createOrganization } from "@/db/queries/organizations";
import { createUser } from "@/db/queries/users";
import { createWebhookEndpoint } from "@/db/queries/webhooks";
import { credits, webhookDeliveries } from "@/db/schema";
import { testBackends } from "@/db/testing";
import { doublerSpec, publishedAgent } from "@/lib/api/fixtures.testing";
import { generateApiKey } from "@/lib/api/keys";
import type { SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { generateWebhookSecret } from "@/lib/webhooks/signature";

const state = vi.hoisted(() => ({ user: null as SessionUser | null, db: undefined as unknown }));
vi.mock("@/lib/auth/session", () => ({
  requireUser: async () => {
    if (!state.user) throw new AppError("UNAUTHORIZED");
    return state.user;
  },
}));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));
vi.mock("@/lib/webhooks/relay", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/webhooks/relay")>()),
  nudgeWebhookRelay: () => {},
}));

const { inviteMemberAction } = await import("./orgs/invite-member");
const { revokeInvitationAction } = await import("./orgs/revoke-invitation");
const { removeMemberAction } = await import("./orgs/remove-member");
const { changeMemberRoleAction } = await import("./orgs/change-member-role");
const { createApiKeyAction } = await import("./api-keys/create-api-key");
const { revokeApiKeyAction } = await import("./api-keys/revoke-api-key");
const webhooks = await import("./webhooks/endpoints");
const { replayWebhookDeliveryAction } = await import("./webhooks/deliveries");
const { confirmPurchaseAction } = await import("./market/confirm-purchase");
const { deleteOrganizationAction } = await import("./orgs/delete-organization");

type Actor = "owner" | "admin" | "developer" | "billing" | "viewer" | "outsider" | "signed out";
const MEMBER_ROLES = ["admin", "developer", "billing", "viewer"] as const;

describe.each(await testBackends())("authorization matrix on $name", (backend) => {
  let handle: DbHandle;
  let agent: Awaited<ReturnType<typeof publishedAgent>>;
  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
    const creator = await createUser(handle.db, {
      email: `m-${randomUUID()}@example.com`,
      name: "C",
      passwordHash: null,
    });
    agent = await publishedAgent(handle.db, creator.id, doublerSpec);
  });
  afterAll(() => handle?.close());

  const person = async (name: string): Promise<SessionUser> => {
    const email = `${name.replace(/\W/g, "")}-${randomUUID()}@example.com`;
    const user = await createUser(handle.db, { email, name, passwordHash: null });
    return { id: user.id, name, email };
  };

  /** An organisation with a member of each role, a target viewer, an open invitation, a key, a webhook and a delivery. */
  async function world() {
    const owner = await person("owner");
    const org = await handle.db.transaction((tx) =>
      createOrganization(tx, { name: "Matrix Co", slug: `mx-${randomUUID()}`, userId: owner.id }),
    );
    const members: Record<string, SessionUser> = { owner };
    for (const role of MEMBER_ROLES) {
      members[role] = await person(role);
      await addMembership(handle.db, { orgId: org.id, userId: members[role]!.id, role });
    }
    const target = await person("target");
    await addMembership(handle.db, { orgId: org.id, userId: target.id, role: "viewer" });
    members.outsider = await person("outsider");
    await handle.db.insert(credits).values({ orgId: org.id, agentId: agent.id, granted: 5 });
    const invitation = await createInvitation(handle.db, {
      orgId: org.id,
      email: `pending-${randomUUID()}@example.com`,
      role: "viewer",
      tokenHash: randomUUID(),
      invitedBy: owner.id,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    const generated = generateApiKey();
    const key = await createApiKey(handle.db, {
      orgId: org.id,
      name: "k",
      prefix: generated.prefix,
      keyHash: generated.hash,
      agentIds: [agent.id],
      rateLimitPerMinute: 60,
      monthlyRunCap: null,
      pinnedVersionId: null,
      createdBy: owner.id,
    });
    const endpoint = await handle.db.transaction((tx) =>
      createWebhookEndpoint(tx, {
        orgId: org.id,
        url: "https://hooks.example.com/m",
        description: "",
        events: ["run.failed"],
        secret: generateWebhookSecret(),
        createdBy: owner.id,
        maxEndpoints: 10,
      }),
    );
    const [delivery] = await handle.db
      .insert(webhookDeliveries)
      .values({ endpointId: endpoint!.id, orgId: org.id, eventType: "run.failed", payload: {}, status: "failed" })
      .returning();
    return { org, members, target, invitation, keyId: key.id, endpointId: endpoint!.id, deliveryId: delivery!.id };
  }
  type World = Awaited<ReturnType<typeof world>>;

  /** Everything an action could change in the organisation, to check a refusal changed nothing. */
  async function snapshot(orgId: string) {
    const result = await handle.db.execute(sql`
      select
        (select json_agg(json_build_object('u', user_id, 'r', role) order by user_id) from memberships where org_id = ${orgId}) as members,
        (select json_agg(json_build_object('i', id, 'r', revoked_at) order by id) from invitations where org_id = ${orgId}) as invitations,
        (select json_agg(json_build_object('k', id, 'r', revoked_at) order by id) from api_keys where org_id = ${orgId}) as keys,
        (select json_agg(json_build_object('e', id, 'd', disabled_at, 's', secret) order by id) from webhook_endpoints where org_id = ${orgId}) as endpoints,
        (select json_agg(json_build_object('d', id, 's', status) order by id) from webhook_deliveries where org_id = ${orgId}) as deliveries,
        (select count(*)::int from audit_log where org_id = ${orgId}) as audit`);
    return (result as unknown as { rows: unknown[] }).rows[0];
  }

  const txHash = `0x${"ab".repeat(32)}`;
  // Each action, the roles allowed to do it, and what a successful attempt returns.
  const actions: [string, readonly Actor[], (w: World) => Promise<{ ok: boolean; error?: { code: string } }>][] = [
    [
      "invite a member",
      ["owner", "admin"],
      (w) => inviteMemberAction({ orgId: w.org.id, email: `n-${randomUUID()}@example.com`, role: "viewer" }),
    ],
    [
      "revoke an invitation",
      ["owner", "admin"],
      (w) => revokeInvitationAction({ orgId: w.org.id, invitationId: w.invitation.id }),
    ],
    ["remove a member", ["owner", "admin"], (w) => removeMemberAction({ orgId: w.org.id, userId: w.target.id })],
    [
      "change a role",
      ["owner", "admin"],
      (w) => changeMemberRoleAction({ orgId: w.org.id, userId: w.target.id, role: "billing" }),
    ],
    [
      "create an API key",
      ["owner", "admin", "developer"],
      (w) =>
        createApiKeyAction({
          orgId: w.org.id,
          name: "new",
          agentIds: [agent.id],
          rateLimitPerMinute: 10,
          monthlyRunCap: null,
          pinnedVersionId: null,
        }),
    ],
    [
      "revoke an API key",
      ["owner", "admin", "developer"],
      (w) => revokeApiKeyAction({ orgId: w.org.id, keyId: w.keyId }),
    ],
    [
      "add a webhook",
      ["owner", "admin", "developer"],
      (w) =>
        webhooks.createWebhookAction({
          orgId: w.org.id,
          url: "https://hooks.example.com/new",
          events: ["run.succeeded"],
        }),
    ],
    [
      "disable a webhook",
      ["owner", "admin", "developer"],
      (w) => webhooks.setWebhookEnabledAction({ orgId: w.org.id, endpointId: w.endpointId, enabled: false }),
    ],
    [
      "rotate a webhook secret",
      ["owner", "admin", "developer"],
      (w) => webhooks.rotateWebhookSecretAction({ orgId: w.org.id, endpointId: w.endpointId }),
    ],
    [
      "send a test event",
      ["owner", "admin", "developer"],
      (w) => webhooks.sendTestWebhookAction({ orgId: w.org.id, endpointId: w.endpointId }),
    ],
    [
      "replay a delivery",
      ["owner", "admin", "developer"],
      (w) => replayWebhookDeliveryAction({ orgId: w.org.id, deliveryId: w.deliveryId }),
    ],
    [
      "delete a webhook",
      ["owner", "admin", "developer"],
      (w) => webhooks.deleteWebhookAction({ orgId: w.org.id, endpointId: w.endpointId }),
    ],
    ["delete the organisation", ["owner"], (w) => deleteOrganizationAction({ orgId: w.org.id, confirm: w.org.name })],
    // Past the role check it needs the chain, which these tests do not run: CHAIN_UNAVAILABLE shows it got there.
    ["confirm a purchase", ["owner", "admin", "billing"], (w) => confirmPurchaseAction({ orgId: w.org.id, txHash })],
  ];
  const actors: Actor[] = ["owner", ...MEMBER_ROLES, "outsider", "signed out"];

  test.each(actions)("%s", async (_name, allowed, attempt) => {
    for (const actor of actors) {
      const w = await world();
      const before = await snapshot(w.org.id);
      state.user = actor === "signed out" ? null : w.members[actor]!;
      const result = await attempt(w);
      if (allowed.includes(actor)) {
        if (!result.ok) expect(result.error, actor).toMatchObject({ code: "CHAIN_UNAVAILABLE" });
      } else {
        const code = actor === "signed out" ? "UNAUTHORIZED" : actor === "outsider" ? "NOT_FOUND" : "FORBIDDEN";
        expect(result, actor).toMatchObject({ ok: false, error: { code } });
        expect(await snapshot(w.org.id), `${actor}: a refusal changes nothing`).toEqual(before);
      }
    }
  });

  test("an endpoint id of another organisation is not found, even for its owner's peer", async () => {
    const [a, b] = [await world(), await world()];
    state.user = a.members.owner!;
    const before = await snapshot(b.org.id);
    for (const result of [
      await webhooks.deleteWebhookAction({ orgId: a.org.id, endpointId: b.endpointId }),
      await revokeApiKeyAction({ orgId: a.org.id, keyId: b.keyId }),
      await replayWebhookDeliveryAction({ orgId: a.org.id, deliveryId: b.deliveryId }),
      await removeMemberAction({ orgId: a.org.id, userId: b.target.id }),
    ])
      expect(result).toMatchObject({ ok: false });
    expect(await snapshot(b.org.id)).toEqual(before);
  });
});
