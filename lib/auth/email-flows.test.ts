/**
 * Email verification and password reset end to end through their routes, with mail kept
 * in the outbox (no SMTP_URL): the link in the mail is the only way in, once.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { isEmailVerified } from "@/db/queries/email-tokens";
import { getUserCredentialsByEmail } from "@/db/queries/users";
import { testBackends } from "@/db/testing";

const state = vi.hoisted(() => ({ db: undefined as unknown }));
vi.mock("@/lib/db", () => ({ getDb: async () => state.db }));

const { outboxDir } = await import("@/lib/mail/send");
const routes = {
  signUp: (await import("@/app/api/auth/sign-up/route")).POST,
  verify: (await import("@/app/api/auth/verify-email/route")).POST,
  forgot: (await import("@/app/api/auth/forgot-password/route")).POST,
  reset: (await import("@/app/api/auth/reset-password/route")).POST,
};
const { signInWithPassword } = await import("./password-sign-in");
const { sendVerificationEmail } = await import("./email-flows");

const ORIGIN = "http://localhost:3000";
const post = (route: (r: Request) => Promise<Response>, fields: Record<string, string>, address?: string) =>
  route(
    new Request(`${ORIGIN}/api/auth/x`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: ORIGIN,
        "x-forwarded-for": address ?? `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      },
      body: new URLSearchParams(fields).toString(),
    }),
  );

/** The links (token values) of the mails sent to `email` for `path`, oldest first. */
function mailedTokens(email: string, pathname: string): string[] {
  const files = readdirSync(outboxDir()).sort();
  return files
    .map((file) => readFileSync(path.join(outboxDir(), file), "utf8"))
    .filter((mail) => mail.includes(`To: ${email}\r\n`))
    .flatMap((mail) => [...mail.matchAll(new RegExp(`${pathname}\\?token=([\\w-]+)`, "g"))].map((m) => m[1]!));
}

describe.each(await testBackends())("email flows on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
    state.db = handle.db;
  });
  afterAll(() => handle?.close());

  test("sign-up mails a link that confirms the address once; the form posts, the link alone does nothing", async () => {
    const email = `mail-${randomUUID()}@example.com`;
    const signedUp = await post(routes.signUp, { name: "M", email, password: "a long password" });
    expect(signedUp.status).toBe(303);
    const user = (await getUserCredentialsByEmail(handle.db, { email }))!;
    expect(await isEmailVerified(handle.db, { userId: user.id })).toBe(false);
    const [token] = mailedTokens(email, "/verify-email");
    expect(token).toBeTruthy();
    const confirmed = await post(routes.verify, { token: token! });
    expect(confirmed.headers.get("location")).toBe("/settings?verified=1");
    expect(await isEmailVerified(handle.db, { userId: user.id })).toBe(true);
    const again = await post(routes.verify, { token: token! });
    expect(again.headers.get("location")).toMatch(/^\/verify-email\?error=CONFLICT/);
  });

  test("a reset link sets a new password once and ends every session; unknown addresses get the same answer", async () => {
    const email = `reset-${randomUUID()}@example.com`;
    await post(routes.signUp, { name: "R", email, password: "the old password" });
    const before = (await getUserCredentialsByEmail(handle.db, { email }))!;
    const unknown = await post(routes.forgot, { email: `nobody-${randomUUID()}@example.com` });
    const known = await post(routes.forgot, { email });
    expect(unknown.headers.get("location")).toBe("/forgot-password?sent=1");
    expect(known.headers.get("location")).toBe("/forgot-password?sent=1");
    const [token] = mailedTokens(email, "/reset-password");
    expect((await post(routes.reset, { token: token!, password: "short" })).headers.get("location")).toMatch(
      /error=INVALID_INPUT/,
    );
    expect(
      (await post(routes.reset, { token: token!, password: "a brand new password" })).headers.get("location"),
    ).toBe("/sign-in?reset=1");
    expect(
      (await post(routes.reset, { token: token!, password: "yet another password" })).headers.get("location"),
    ).toMatch(/error=CONFLICT/);
    const after = (await getUserCredentialsByEmail(handle.db, { email }))!;
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    await expect(
      signInWithPassword(handle.db, { email, password: "a brand new password" }, "10.8.8.8"),
    ).resolves.toBeTruthy();
    expect(await isEmailVerified(handle.db, { userId: after.id })).toBe(true);
  });

  test("reset mails are bounded: 3 an hour per account from any address, 10 an hour per address, same answer", async () => {
    const email = `bounded-${randomUUID()}@example.com`;
    await post(routes.signUp, { name: "B", email, password: "the old password" });
    for (let i = 0; i < 5; i++) {
      const answer = await post(routes.forgot, { email });
      expect(answer.headers.get("location")).toBe("/forgot-password?sent=1");
    }
    expect(mailedTokens(email, "/reset-password")).toHaveLength(3);
    const address = `10.10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const answers = [];
    for (let i = 0; i < 11; i++) {
      answers.push(await post(routes.forgot, { email: `nobody-${randomUUID()}@example.com` }, address));
    }
    expect(answers.slice(0, 10).every((a) => a.headers.get("location") === "/forgot-password?sent=1")).toBe(true);
    expect(answers[10]!.headers.get("location")).toMatch(/^\/forgot-password\?error=RATE_LIMITED&retryAfter=\d+/);
  });

  test("a form body over 16 KiB is refused before it is read into fields", async () => {
    const answer = await post(routes.forgot, { email: "a@example.com", padding: "x".repeat(17 * 1024) });
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toMatch(/error=PAYLOAD_TOO_LARGE/);
  });

  test("verification mails are bounded at 5 an hour per account", async () => {
    const email = `verify-${randomUUID()}@example.com`;
    await post(routes.signUp, { name: "V", email, password: "a long password" }); // the first mail
    const user = (await getUserCredentialsByEmail(handle.db, { email }))!;
    for (let i = 0; i < 4; i++) await sendVerificationEmail(handle.db, { id: user.id, email });
    await expect(sendVerificationEmail(handle.db, { id: user.id, email })).rejects.toMatchObject({
      code: "RATE_LIMITED",
    });
    expect(mailedTokens(email, "/verify-email")).toHaveLength(5);
  });
});
