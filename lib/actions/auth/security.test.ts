/**
 * Changing the password and signing out everywhere, through the action wrapper on a real
 * database: the current password is required (and throttled), and every session issued
 * before either is refused by the session check afterwards.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { createUser } from "@/db/queries/users";
import { testBackends } from "@/db/testing";
import type { SessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";

const state = vi.hoisted(() => ({
  user: null as SessionUser | null,
  db: undefined as unknown,
  cookies: new Map<string, unknown>(),
}));
vi.mock("@/lib/auth/session", () => ({
  requireUser: async () => {
    if (!state.user) throw new AppError("UNAUTHORIZED");
    return state.user;
  },
}));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    set: (cookie: { name: string }) => state.cookies.set(cookie.name, cookie),
    delete: (name: string) => state.cookies.set(name, "deleted"),
  }),
}));

const { changePasswordAction } = await import("./change-password");
const { signOutEverywhereAction } = await import("./sign-out-everywhere");
const { changeEmailAction } = await import("./change-email");
const { isEmailVerified, markEmailVerified } = await import("@/db/queries/email-tokens");
const { authOptions } = await import("@/lib/auth/options");
const { hashPassword } = await import("@/lib/auth/password");
const { signInWithPassword } = await import("@/lib/auth/password-sign-in");

/** What next-auth's session check does with a token on each request. */
const check = (token: Record<string, unknown>) =>
  authOptions.callbacks!.jwt!({ token, user: undefined as never, account: null } as never) as Promise<
    Record<string, unknown>
  >;

describe.each(await testBackends())("account security on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
  });
  afterAll(() => handle?.close());

  async function account(password = "the old password") {
    const email = `sec-${randomUUID()}@example.com`;
    const user = await createUser(handle.db, { email, name: "Sec", passwordHash: await hashPassword(password) });
    state.user = { id: user.id, name: "Sec", email };
    return { ...user, email, password };
  }

  test("a password change needs the current password, then ends every earlier session", async () => {
    const me = await account();
    const earlier = { sub: me.id, sv: 0 };
    expect(await check(earlier)).toMatchObject({ sub: me.id });
    expect(
      await changePasswordAction({ currentPassword: "not it at all", newPassword: "a new password!" }),
    ).toMatchObject({
      ok: false,
      error: { fieldErrors: { currentPassword: ["That is not your current password."] } },
    });
    expect(await changePasswordAction({ currentPassword: me.password, newPassword: "a new password!" })).toMatchObject({
      ok: true,
    });
    expect(await check(earlier)).toEqual({});
    await expect(
      signInWithPassword(handle.db, { email: me.email, password: me.password }, "10.3.3.3"),
    ).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    const fresh = await signInWithPassword(handle.db, { email: me.email, password: "a new password!" }, "10.3.3.3");
    expect(await check({ sub: me.id, sv: fresh.sessionVersion })).toMatchObject({ sub: me.id });
    // This browser got a fresh session cookie.
    expect(state.cookies.get("next-auth.session-token")).toMatchObject({ httpOnly: true });
  });

  test("sign out everywhere: every session of the account, on every device, is refused afterwards", async () => {
    const me = await account();
    const phone = { sub: me.id, sv: 0 };
    const laptop = { sub: me.id };
    expect(await signOutEverywhereAction({})).toMatchObject({ ok: true });
    expect(await check(phone)).toEqual({});
    expect(await check(laptop)).toEqual({});
    expect(state.cookies.get("next-auth.session-token")).toBe("deleted");
  });

  test("changing the email needs the current password; the new address starts unconfirmed; earlier sessions end", async () => {
    const me = await account();
    await markEmailVerified(handle.db, { userId: me.id, email: me.email });
    const earlier = { sub: me.id, sv: 0 };
    const next = `new-${randomUUID()}@example.com`;
    expect(await changeEmailAction({ newEmail: next, currentPassword: "wrong wrong" })).toMatchObject({
      ok: false,
      error: { fieldErrors: { currentPassword: ["That is not your current password."] } },
    });
    expect(await changeEmailAction({ newEmail: next.toUpperCase(), currentPassword: me.password })).toEqual({
      ok: true,
      data: { email: next },
    });
    expect(await check(earlier)).toEqual({});
    expect(await isEmailVerified(handle.db, { userId: me.id })).toBe(false);
    // The old address no longer counts for anything, even once the new one is confirmed.
    await markEmailVerified(handle.db, { userId: me.id, email: next });
    expect(await isEmailVerified(handle.db, { userId: me.id, email: me.email })).toBe(false);
    expect(await isEmailVerified(handle.db, { userId: me.id, email: next })).toBe(true);
    // Another account's address is refused next to the field.
    const other = await account();
    state.user = { id: me.id, name: "Sec", email: next };
    expect(await changeEmailAction({ newEmail: other.email, currentPassword: me.password })).toMatchObject({
      ok: false,
      error: { fieldErrors: { newEmail: ["Another account uses this email."] } },
    });
  });

  test("wrong current passwords are throttled like sign-in", async () => {
    await account();
    const statuses: string[] = [];
    for (let i = 0; i < 7; i++) {
      const result = await changePasswordAction({ currentPassword: `guess ${i}`, newPassword: "a new password!" });
      statuses.push(result.ok ? "ok" : result.error.code);
    }
    expect(statuses.slice(0, 5)).toEqual(Array(5).fill("INVALID_INPUT"));
    expect(statuses.at(-1)).toBe("RATE_LIMITED");
  });
});
