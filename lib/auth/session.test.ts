/**
 * The signed-in user of a bare Node request (the lean live stream): a session cookie as the
 * product writes it signs its user in; the same session-version rule as every other check
 * ends it after "sign out everywhere"; anything else is nobody.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { bumpSessionVersion, createUser } from "@/db/queries/users";
import { testBackends } from "@/db/testing";

const state = vi.hoisted(() => ({ db: undefined as unknown }));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));

const { sessionUserFromHeaders } = await import("./session");
const { sessionCookie } = await import("./session-cookie");

describe.each(await testBackends())("sessions of bare requests on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
  });
  afterAll(() => handle?.close());

  test("the product's session cookie signs in; after sign-out everywhere, and without one, nobody", async () => {
    const email = `bare-${randomUUID()}@example.com`;
    const user = await createUser(handle.db, { email, name: "Bare", passwordHash: null });
    const cookie = await sessionCookie({ id: user.id, name: "Bare", email, sessionVersion: 0 });
    const headers = { cookie: `theme=dark; ${cookie.name}=${cookie.value}` };
    expect(await sessionUserFromHeaders(headers)).toEqual({ id: user.id, name: "Bare", email });
    await bumpSessionVersion(handle.db, { userId: user.id });
    expect(await sessionUserFromHeaders(headers)).toBeNull();
    expect(await sessionUserFromHeaders({})).toBeNull();
    expect(await sessionUserFromHeaders({ cookie: `${cookie.name}=not-a-token` })).toBeNull();
  });
});
