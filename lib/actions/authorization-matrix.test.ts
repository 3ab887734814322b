/**
 * The authorization matrix: each organisation action, page and route handler tried as each
 * role, as a member of another organisation, signed out, and as a suspended account (an
 * owner whose session was issued before an operator suspended them). Allowed roles are
 * written out here (not read from lib/auth/permissions.ts), so a change to the table shows
 * up as a failure; a refusal is FORBIDDEN (403) for members, NOT_FOUND (404) for outsiders,
 * UNAUTHORIZED (401, or a redirect to sign in for pages) signed out or suspended, and
 * changes nothing. The operator console's pages and route are in it too.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { createApiKey } from "@/db/queries/api-keys";
import { createInvitation } from "@/db/queries/invitations";
import { addMembership, createOrganization } from "@/db/queries/organizations";
import { setAccountSuspended } from "@/db/queries/operator";
import { createUser } from "@/db/queries/users";
import { createWebhookEndpoint } from "@/db/queries/webhooks";
import { credits, webhookDeliveries } from "@/db/schema";
import { testBackends } from "@/db/testing";
import { doublerSpec, publishedAgent } from "@/lib/api/fixtures.testing";
import { generateApiKey } from "@/lib/api/keys";
import type { SessionUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { generateWebhookSecret } from "@/lib/webhooks/signature";

const state = vi.hoisted(() => ({ user: null as SessionUser | null, db: undefined as unknown }));
/** The session as next-auth's jwt callback judges it (lib/auth/options.ts): gone once the account's session version moves or it is suspended. */
vi.mock("@/lib/auth/session", async () => {
  const { redirect } = await import("next/navigation");
  const current = async () => {
    if (!state.user) return null;
    const { getSessionVersion } = await import("@/db/queries/users");
    return (await getSessionVersion(state.db as never, { userId: state.user.id })) === 0 ? state.user : null;
  };
  return {
    getSessionUser: current,
    requireUser: async () => {
      const user = await current();
      if (!user) throw new AppError("UNAUTHORIZED");
      return user;
    },
    requirePageUser: async (returnTo: string) => {
      const user = await current();
      if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
      return user;
    },
  };
});
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

type Actor = "owner" | "admin" | "developer" | "billing" | "viewer" | "outsider" | "signed out" | "suspended";
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
    // A second owner, suspended by an operator after signing in.
    members.suspended = await person("suspended");
    await addMembership(handle.db, { orgId: org.id, userId: members.suspended.id, role: "owner" });
    await setAccountSuspended(handle.db, {
      userId: members.suspended.id,
      suspended: true,
      reason: "m",
      now: new Date(),
    });
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
  const actors: Actor[] = ["owner", ...MEMBER_ROLES, "outsider", "signed out", "suspended"];

  test.each(actions)("%s", async (_name, allowed, attempt) => {
    for (const actor of actors) {
      const w = await world();
      const before = await snapshot(w.org.id);
      state.user = actor === "signed out" ? null : w.members[actor]!;
      const result = await attempt(w);
      if (allowed.includes(actor)) {
        if (!result.ok) expect(result.error, actor).toMatchObject({ code: "CHAIN_UNAVAILABLE" });
      } else {
        const code =
          actor === "signed out" || actor === "suspended"
            ? "UNAUTHORIZED"
            : actor === "outsider"
              ? "NOT_FOUND"
              : "FORBIDDEN";
        expect(result, actor).toMatchObject({ ok: false, error: { code } });
        expect(await snapshot(w.org.id), `${actor}: a refusal changes nothing`).toEqual(before);
      }
    }
  });

  /** What a page did: rendered, notFound() (404), or sent to sign in. */
  const pageOutcome = async (render: () => Promise<unknown>) => {
    try {
      await render();
      return "ok";
    } catch (error) {
      const digest = String((error as { digest?: unknown }).digest ?? "");
      if (digest.startsWith("NEXT_REDIRECT") && digest.includes("/sign-in")) return "sign-in";
      if (digest === "NEXT_HTTP_ERROR_FALLBACK;404") return "404";
      throw error;
    }
  };
  const routeOutcome = async (respond: () => Promise<Response>) => String((await respond()).status);
  const params = <P>(value: P) => ({ params: Promise.resolve(value), searchParams: Promise.resolve({}) });
  const get = (path: string) => new Request(`http://localhost${path}`);

  const readers = ["owner", ...MEMBER_ROLES] as const;
  const auditors = ["owner", "admin"] as const;
  // Each page or route, who may, and what the others get (members who may not; outsiders; signed out and suspended).
  const surfaces: [
    string,
    readonly Actor[],
    { member: string; outsider: string; gone: string },
    (w: World) => Promise<string>,
  ][] = [
    [
      "page /orgs/[orgId]",
      readers,
      { member: "404", outsider: "404", gone: "sign-in" },
      async (w) =>
        pageOutcome(async () => (await import("@/app/(app)/orgs/[orgId]/page")).default(params({ orgId: w.org.id }))),
    ],
    [
      "page /orgs/[orgId]/api",
      readers,
      { member: "404", outsider: "404", gone: "sign-in" },
      async (w) =>
        pageOutcome(async () =>
          (await import("@/app/(app)/orgs/[orgId]/api/page")).default(params({ orgId: w.org.id })),
        ),
    ],
    [
      "page /orgs/[orgId]/webhooks",
      readers,
      { member: "404", outsider: "404", gone: "sign-in" },
      async (w) =>
        pageOutcome(async () =>
          (await import("@/app/(app)/orgs/[orgId]/webhooks/page")).default(params({ orgId: w.org.id })),
        ),
    ],
    [
      "page /orgs/[orgId]/activity",
      auditors,
      { member: "404", outsider: "404", gone: "sign-in" },
      async (w) =>
        pageOutcome(async () =>
          (await import("@/app/(app)/orgs/[orgId]/activity/page")).default(params({ orgId: w.org.id })),
        ),
    ],
    [
      "GET /api/audit?org=",
      auditors,
      { member: "403", outsider: "404", gone: "401" },
      async (w) =>
        routeOutcome(async () =>
          (await import("@/app/api/audit/route")).GET(get(`/api/audit?org=${w.org.id}`), params({})),
        ),
    ],
    [
      "GET /api/dashboard/orgs/[orgId]",
      readers,
      { member: "403", outsider: "404", gone: "401" },
      async (w) =>
        routeOutcome(async () =>
          (await import("@/app/api/dashboard/orgs/[orgId]/route")).GET(
            get(`/api/dashboard/orgs/${w.org.id}?range=7d`),
            params({ orgId: w.org.id }),
          ),
        ),
    ],
  ];

  test.each(surfaces)("%s", async (_name, allowed, refused, attempt) => {
    const w = await world();
    const before = await snapshot(w.org.id);
    for (const actor of actors) {
      state.user = actor === "signed out" ? null : w.members[actor]!;
      const outcome = await attempt(w);
      const expected = allowed.includes(actor)
        ? ["ok", "200"]
        : actor === "signed out" || actor === "suspended"
          ? [refused.gone]
          : actor === "outsider"
            ? [refused.outsider]
            : [refused.member];
      expect(expected, `${actor}: ${outcome}`).toContain(outcome);
    }
    expect(await snapshot(w.org.id)).toEqual(before);
  });

  test("the operator console (pages and the platform trail) is for operators only; a suspended operator is signed out", async () => {
    const w = await world();
    const operator = await person("operator");
    await handle.db.execute(sql`update users set email_verified_at = now() where id = ${operator.id}`);
    const saved = env.OPERATOR_EMAILS;
    env.OPERATOR_EMAILS = `${operator.email},${w.members.suspended!.email}`;
    await handle.db.execute(sql`update users set email_verified_at = now() where id = ${w.members.suspended!.id}`);
    try {
      const console = async () => [
        await pageOutcome(async () => (await import("@/app/(app)/operator/page")).default(params({}))),
        await pageOutcome(async () => (await import("@/app/(app)/operator/activity/page")).default(params({}))),
        await routeOutcome(async () =>
          (await import("@/app/api/audit/route")).GET(get("/api/audit?platform"), params({})),
        ),
      ];
      state.user = operator;
      expect(await console()).toEqual(["ok", "ok", "200"]);
      for (const actor of ["owner", "admin", "outsider"] as const) {
        state.user = w.members[actor]!;
        expect(await console(), actor).toEqual(["404", "404", "404"]);
      }
      for (const user of [null, w.members.suspended!]) {
        state.user = user;
        expect(await console()).toEqual(["sign-in", "sign-in", "401"]);
      }
    } finally {
      env.OPERATOR_EMAILS = saved;
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
