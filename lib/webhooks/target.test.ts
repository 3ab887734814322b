import { expect, test } from "vitest";
import { createAddressPolicy } from "@/lib/agents/runtime/tools/address-policy";
import { checkWebhookTarget } from "./target";

const strict = createAddressPolicy("");
const dev = createAddressPolicy("127.0.0.1,hooks.internal");
const refusal = (url: string, policy = strict) => {
  try {
    checkWebhookTarget(url, policy);
    return null;
  } catch (error) {
    return (error as { fieldErrors?: Record<string, string[]> }).fieldErrors?.url?.[0] ?? String(error);
  }
};

test("public https targets are saved; http, credentials and private or loopback targets are refused", () => {
  expect(refusal("https://hooks.example.com/ai-nomads")).toBeNull();
  expect(refusal("https://93.184.216.34/x")).toBeNull();
  expect(refusal("http://hooks.example.com/x")).toMatch(/https/);
  expect(refusal("https://user:pw@hooks.example.com/x")).toMatch(/credentials/);
  for (const url of [
    "https://127.0.0.1/x",
    "https://localhost:3000/x",
    "https://app.localhost/x",
    "https://10.1.2.3/x",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://0.0.0.0/x",
  ])
    expect(refusal(url), url).toMatch(/private/);
});

test("what the operator allows (WEBHOOK_ALLOW) may be private, and over http", () => {
  expect(refusal("http://127.0.0.1:4000/hooks", dev)).toBeNull();
  expect(refusal("http://hooks.internal/x", dev)).toBeNull();
  expect(refusal("https://10.1.2.3/x", dev)).toMatch(/private/);
  expect(refusal("http://hooks.example.com/x", dev)).toMatch(/https/);
});
