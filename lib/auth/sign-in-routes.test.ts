/**
 * POST /api/auth/sign-in and /api/auth/sign-up through their wrapper, on a real database:
 * both transports (a form posted without scripts, JSON from the page's script), the
 * throttles, cross-site refusal, and that a secret never goes into a URL.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { createUser } from "@/db/queries/users";
import { testBackends } from "@/db/testing";
import { hashPassword } from "./password";
import { signInWithPassword } from "./password-sign-in";

const state = vi.hoisted(() => ({ db: undefined as unknown }));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));

const signIn = (await import("@/app/api/auth/sign-in/route")).POST;
const signUp = (await import("@/app/api/auth/sign-up/route")).POST;

const ORIGIN = "http://localhost:3000";

function post(
  route: (request: Request) => Promise<Response>,
  path: string,
  fields: Record<string, string>,
  options: { json?: boolean; origin?: string; address?: string } = {},
) {
  const json = options.json ?? true;
  return route(
    new Request(`${ORIGIN}${path}`, {
      method: "POST",
      headers: {
        "content-type": json ? "application/json" : "application/x-www-form-urlencoded",
        origin: options.origin ?? ORIGIN,
        "x-forwarded-for":
          options.address ?? `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      },
      body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
    }),
  );
}

describe.each(await testBackends())("sign-in and sign-up routes on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
  });
  afterAll(() => handle?.close());

  async function account(password = "correct horse battery") {
    const email = `user-${randomUUID()}@example.com`;
    await createUser(handle.db, { email, name: "User", passwordHash: await hashPassword(password) });
    return { email, password };
  }

  test("a form posted without scripts signs in with a 303 and a session cookie; nothing secret in the URL", async () => {
    const { email, password } = await account();
    const response = await post(
      signIn,
      "/api/auth/sign-in",
      { email, password, callbackUrl: "/orgs" },
      { json: false },
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/orgs");
    expect(response.headers.get("set-cookie")).toMatch(/next-auth\.session-token=[^;]+;.*HttpOnly/i);
  });

  test("a wrong password posted by a form goes back to the page with the error code only", async () => {
    const { email } = await account();
    const response = await post(
      signIn,
      "/api/auth/sign-in",
      { email, password: "wrong password", callbackUrl: "/\t/evil.example/" },
      { json: false },
    );
    expect(response.status).toBe(303);
    const location = response.headers.get("location")!;
    expect(location).toBe(`/sign-in?error=UNAUTHORIZED&callbackUrl=%2Fstudio`);
    expect(location).not.toContain("wrong");
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  test("JSON: right password → 200 with where to go; wrong → 401 next to the password", async () => {
    const { email, password } = await account();
    const ok = await post(signIn, "/api/auth/sign-in", { email, password, callbackUrl: "//evil.example" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ redirectTo: "/studio" });
    const wrong = await post(signIn, "/api/auth/sign-in", { email, password: "nope nope nope" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ errors: { password: ["Wrong email or password."] } });
  });

  test("a request from another site is refused (403), whatever its Host", async () => {
    const { email, password } = await account();
    const response = await post(signIn, "/api/auth/sign-in", { email, password }, { origin: "https://evil.example" });
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  test("the 30th wrong password within a minute gets 429; the right one works after the cool-off", async () => {
    const { email, password } = await account();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const response = await post(signIn, "/api/auth/sign-in", { email, password: `wrong guess ${i}` });
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    // Still throttled: even the right password is not checked.
    expect((await post(signIn, "/api/auth/sign-in", { email, password })).status).toBe(429);
    // After the cool-off (at most 15 minutes), the right password signs in and clears the count.
    const later = new Date(Date.now() + 16 * 60_000);
    await expect(signInWithPassword(handle.db, { email, password }, "10.9.9.9", later)).resolves.toMatchObject({
      email,
    });
    await expect(
      signInWithPassword(handle.db, { email, password: "wrong again!" }, "10.9.9.9", later),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  test("one address guessing many accounts is throttled too", async () => {
    const address = `10.1.${Math.floor(Math.random() * 250)}.1`;
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      // Unknown accounts cost the same as known ones, and count the same against the address.
      const email = `nobody-${randomUUID()}@example.com`;
      statuses.push((await post(signIn, "/api/auth/sign-in", { email, password: "guess guess" }, { address })).status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  describe("sign-up", () => {
    test.each([
      [
        "malformed email",
        { name: "A", email: "not-an-email", password: "long enough pw" },
        "email",
        "Enter a valid email address.",
      ],
      [
        "short password",
        { name: "A", email: "a@example.com", password: "short" },
        "password",
        "Use at least 10 characters.",
      ],
      ["missing name", { name: " ", email: "a@example.com", password: "long enough pw" }, "name", "Enter your name."],
    ])("%s → 422 with a message next to the field", async (_name, input, field, message) => {
      const response = await post(signUp, "/api/auth/sign-up", input);
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ errors: { [field]: [message] } });
    });

    test("creates the account and signs it in; a taken email is refused, case-insensitively", async () => {
      const email = `taken-${randomUUID()}@example.com`;
      const first = await post(signUp, "/api/auth/sign-up", { name: "First", email, password: "first password" });
      expect(first.status).toBe(200);
      expect(first.headers.get("set-cookie")).toMatch(/next-auth\.session-token=/);
      const second = await post(signUp, "/api/auth/sign-up", {
        name: "Second",
        email: email.toUpperCase(),
        password: "second password",
      });
      expect(second.status).toBe(422);
      expect(await second.json()).toMatchObject({ errors: { email: ["An account with this email already exists."] } });
    });

    test("one address creating accounts is throttled after 10 in an hour", async () => {
      const address = `10.2.${Math.floor(Math.random() * 250)}.1`;
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const email = `many-${randomUUID()}@example.com`;
        statuses.push(
          (await post(signUp, "/api/auth/sign-up", { name: "N", email, password: "long enough pw" }, { address }))
            .status,
        );
      }
      expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
      expect(statuses[10]).toBe(429);
    });
  });
});
