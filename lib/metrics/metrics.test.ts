import { expect, test } from "vitest";
import { mayReadMetrics } from "./access";
import { agentLabel, MAX_AGENT_LABELS, metrics } from "./registry";

const from = (address: string, headers: Record<string, string> = {}) =>
  new Request("http://localhost/api/metrics", { headers: { "x-forwarded-for": address, ...headers } });

test("metrics are read from this machine, or with the configured token, by nobody else", () => {
  expect(mayReadMetrics(from("127.0.0.1"), undefined)).toBe(true);
  expect(mayReadMetrics(from("::1"), undefined)).toBe(true);
  expect(mayReadMetrics(from("203.0.113.9"), undefined)).toBe(false);
  const token = "a-scraper-token-0123456789";
  expect(mayReadMetrics(from("203.0.113.9", { authorization: `Bearer ${token}` }), token)).toBe(true);
  expect(mayReadMetrics(from("127.0.0.1"), token)).toBe(false);
  expect(mayReadMetrics(from("203.0.113.9", { authorization: `Bearer ${token}x` }), token)).toBe(false);
});

test("one registry per process; agent labels stop growing at the cap", async () => {
  expect(metrics()).toBe(metrics());
  for (let i = 0; i < MAX_AGENT_LABELS + 50; i++) agentLabel(`agent-${i}`);
  expect(agentLabel("agent-1")).toBe("agent-1");
  expect(agentLabel("one-too-many")).toBe("other");
  metrics().runDuration.observe({ agent: agentLabel("agent-1"), status: "succeeded" }, 0.2);
  const text = await metrics().registry.metrics();
  expect(text).toContain('ainomads_run_duration_seconds_count{agent="agent-1",status="succeeded"} 1');
  expect(text).toContain("# TYPE ainomads_http_requests_total counter");
});
