import { Webhook } from "standardwebhooks";
import { expect, test } from "vitest";
import { generateWebhookSecret, signWebhook } from "./signature";

const body = JSON.stringify({ type: "run.succeeded", data: { id: "7d0f6a6e-1f2a-4b3c-9d8e-0a1b2c3d4e5f" } });

test("a delivery verifies with the Standard Webhooks reference library, and a changed body or id does not", () => {
  const secret = generateWebhookSecret();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const headers = signWebhook({ id: "msg_1", timestamp: new Date(), body, secrets: [secret] });
  expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  expect(() => new Webhook(secret).verify(body.replace("succeeded", "failed"), headers)).toThrow();
  expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-id": "msg_2" })).toThrow();
  // The reference library refuses a delivery older than five minutes (replays).
  const old = signWebhook({ id: "msg_1", timestamp: new Date(Date.now() - 10 * 60_000), body, secrets: [secret] });
  expect(() => new Webhook(secret).verify(body, old)).toThrow();
});

test("during a rotation both secrets sign, so a receiver holding either one verifies", () => {
  const [previous, next] = [generateWebhookSecret(), generateWebhookSecret()];
  const headers = signWebhook({ id: "msg_3", timestamp: new Date(), body, secrets: [next, previous] });
  expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
  expect(new Webhook(previous).verify(body, headers)).toBeTruthy();
  expect(new Webhook(next).verify(body, headers)).toBeTruthy();
  expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
});

test("a secret that is not a whsec_ secret, or too short, is refused before anything is signed", () => {
  expect(() => signWebhook({ id: "m", timestamp: new Date(), body, secrets: ["plain"] })).toThrow(/whsec_/);
  expect(() => signWebhook({ id: "m", timestamp: new Date(), body, secrets: ["whsec_c2hvcnQ="] })).toThrow(/24 bytes/);
  expect(() => signWebhook({ id: "m", timestamp: new Date(), body, secrets: [] })).toThrow();
});
