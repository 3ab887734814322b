import { expect, test } from "./fixtures/test";
import { execFileSync } from "node:child_process";
import http from "node:http";
import { anvilAccounts } from "../lib/chain/dev-accounts";
import { Webhook } from "standardwebhooks";
import { installWallet } from "./fixtures/wallet";

// The demo buyer (anvil #5) owns "Demo Buyer Co", which `npm start`'s demo data gives 20 runs of CSV Statistics;
// the demo creator (anvil #4) made CSV Statistics.
const [demoCreator, demoBuyer] = [anvilAccounts[4], anvilAccounts[5]];

test("an enterprise creates a key, calls the API, retries idempotently, sees usage, and revokes the key", async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(150_000);
  // The creator watches their dashboard (runs as a table) while the buyer works.
  const creatorContext = await browser.newContext();
  const creator = await creatorContext.newPage();
  await installWallet(creator, demoCreator);
  await creator.goto("/sign-in?callbackUrl=%2Fdashboard%3Frange%3D24h%26tables%3Dorganisations");
  await creator.getByRole("button", { name: "Sign in with Ethereum" }).click();
  await expect(creator).toHaveURL(/\/dashboard\?range=24h&tables=organisations$/);
  await expect(creator.getByText("Live", { exact: true })).toBeVisible();
  const buyerRow = creator.getByRole("table", { name: "Runs per buying organisation" }).getByRole("row", {
    name: /Demo Buyer Co/,
  });
  await expect(buyerRow).toHaveCount(0);

  await installWallet(page, demoBuyer);
  await page.goto("/sign-in?callbackUrl=/orgs");
  await page.getByRole("button", { name: "Sign in with Ethereum" }).click();
  await expect(page).toHaveURL(/\/orgs$/);
  await page.getByRole("link", { name: "Demo Buyer Co" }).click();
  await page.getByRole("link", { name: "API keys and usage →" }).click();
  const csvCredits = page
    .getByRole("list", { name: "Credits per agent" })
    .getByRole("listitem")
    .filter({ hasText: "CSV Statistics" });
  await expect(csvCredits).toContainText("20 of 20 runs left");

  await page.getByLabel("Name").fill("e2e-billing");
  await page.getByRole("checkbox", { name: "CSV Statistics" }).check();
  await page.getByLabel("Requests per minute").fill("30");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = await page.getByLabel("New API key").inputValue();
  expect(secret).toMatch(/^anm_live_[A-Za-z0-9_-]{32}$/);
  await expect(page.getByRole("status").filter({ hasText: "is ready" })).toContainText(`/api/v1/agents/csv-stats/runs`);
  const auth = { authorization: `Bearer ${secret}` };

  // A webhook receiver on this machine (the server allows loopback targets here: WEBHOOK_ALLOW
  // in playwright.config.ts), registered in the console for run.succeeded.
  const received: { headers: Record<string, string>; body: string }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
  await page.getByRole("link", { name: "Webhooks →" }).click();
  await page.getByLabel("Endpoint URL").fill(hookUrl);
  await page.getByRole("checkbox", { name: /run\.succeeded/ }).check();
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const hookSecret = await page.getByLabel("Signing secret").inputValue();
  expect(hookSecret).toMatch(/^whsec_/);
  await expect(page.getByRole("list", { name: "Webhook endpoints" })).toContainText(hookUrl);
  await page.goBack();
  /** The events received so far, each verified with the endpoint's secret, one per webhook-id. */
  const verifiedEvents = () => {
    const byId = new Map<string, { type: string; data: { executionId?: string } }>();
    for (const r of received)
      byId.set(r.headers["webhook-id"]!, new Webhook(hookSecret).verify(r.body, r.headers) as never);
    return [...byId.values()];
  };

  // The galaxy's pulse feed, from now on.
  const galaxy = (await (await request.get("/api/galaxy")).json()) as { agents: { id: string; slug: string }[] };
  const csvStatsId = galaxy.agents.find((a) => a.slug === "csv-stats")!.id;
  const pulsesFrom = ((await (await request.get("/api/galaxy/pulses")).json()) as { next: number }).next;

  const first = await request.post("/api/v1/agents/csv-stats/runs", {
    headers: { ...auth, "idempotency-key": "e2e-order-1" },
    data: { input: { csv: "city,temp\nOslo,3\nLisbon,17\nCairo,24" } },
  });
  expect(first.status()).toBe(201);
  expect(first.headers()["ratelimit-limit"]).toBe("30");
  const run = await first.json();
  expect(run).toMatchObject({ agent: "csv-stats", status: "succeeded", error: null });
  // Both dashboards show the run without a reload: the creator's and the buyer's console.
  await expect(buyerRow.getByRole("cell").nth(1)).toHaveText("1");
  await expect(page.getByTestId("total-Runs")).toHaveText("1");
  await expect(page.getByTestId("credits-forecast").first()).toContainText(
    "at the last 7 days' rate, runs out in about",
  );
  await creatorContext.close();
  // The run pulses in every open galaxy.
  await expect
    .poll(
      async () =>
        ((await (await request.get(`/api/galaxy/pulses?after=${pulsesFrom}`)).json()) as { agentIds: string[] })
          .agentIds,
    )
    .toContain(csvStatsId);
  const retry = await request.post("/api/v1/agents/csv-stats/runs", {
    headers: { ...auth, "idempotency-key": "e2e-order-1" },
    data: { input: { csv: "city,temp\nOslo,3\nLisbon,17\nCairo,24" } },
  });
  expect(retry.status()).toBe(200);
  expect((await retry.json()).id).toBe(run.id);
  const gzip = { "accept-encoding": "gzip, deflate" };
  const invalid = await request.post("/api/v1/agents/csv-stats/runs", {
    headers: { ...auth, ...gzip },
    data: { input: { rows: [] } },
  });
  expect(invalid.status()).toBe(422);
  expect(invalid.headers()["content-type"]).toContain("application/problem+json");
  // Small bodies go out as they are; large ones (the OpenAPI document) compressed.
  expect(invalid.headers()["content-encoding"]).toBeUndefined();
  const usage = await (await request.get("/api/v1/usage", { headers: auth })).json();
  expect(usage.byAgentAndKey).toEqual([expect.objectContaining({ agent: "csv-stats", runs: 1, creditsUsed: 1 })]);
  const specResponse = await request.get("/api/v1/openapi.json", { headers: gzip });
  expect(specResponse.headers()["content-encoding"]).toBe("gzip");
  const spec = await specResponse.json();
  expect(spec.openapi).toBe("3.1.0");

  // The console shows the spent credit, the key's last use and the run, which the organisation can open.
  await page.reload();
  await expect(csvCredits).toContainText("19 of 20 runs left");
  await expect(page.getByRole("list", { name: "API keys" })).toContainText("last used");
  await expect(page.getByText(secret)).toHaveCount(0);
  await page.getByRole("list", { name: "Recent API runs" }).getByRole("link").first().click();
  await expect(page.getByTestId("execution-output")).toContainText("Lisbon");
  // The server attests receipt batches on a short timer here (ATTEST_INTERVAL_SECONDS=3):
  // the page then verifies the receipt's Merkle proof against the root read from the chain.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("receipt-status")).toHaveText("Verified against the on-chain root", {
      timeout: 1_000,
    });
  }).toPass({ timeout: 45_000 });
  const receipt = await (await request.get(`/api/v1/runs/${run.id}/receipt`, { headers: auth })).json();
  expect(receipt).toMatchObject({ receiptHash: run.receiptHash, attestation: { status: "attested" } });
  expect(receipt.attestation.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);
  await page.goBack();

  // The agent page's generated curl example, run as printed with the key in AINOMADS_API_KEY, succeeds.
  await page.goto("/agents/csv-stats");
  await expect(page.getByRole("table", { name: "Input fields" })).toContainText("CSV text with a header row");
  const curl = (await page.getByTestId("example-curl").textContent())!;
  expect(curl).toContain("/api/v1/agents/csv-stats/runs");
  const printed = JSON.parse(
    execFileSync("sh", ["-c", `${curl} --silent`], { env: { ...process.env, AINOMADS_API_KEY: secret } }).toString(),
  );
  expect(printed).toMatchObject({ agent: "csv-stats", status: "succeeded" });
  await page.goBack();

  // Asynchronously: accepted at once (202, queued), then run by the server's queue workers
  // under the same id.
  const queued = await request.post("/api/v1/agents/csv-stats/runs", {
    headers: { ...auth, prefer: "respond-async" },
    data: { input: { csv: "city,temp\nQuito,14" } },
  });
  expect(queued.status()).toBe(202);
  expect(queued.headers()["preference-applied"]).toBe("respond-async");
  const accepted = await queued.json();
  await expect
    .poll(async () => (await (await request.get(`/api/v1/runs/${accepted.id}`, { headers: auth })).json()).status, {
      timeout: 20_000,
    })
    .toBe("succeeded");

  // Its events, as server-sent events: from the start to its end, then the stream closes.
  const streamed = await (await request.get(`/api/v1/runs/${accepted.id}/events`, { headers: auth })).text();
  expect(streamed).toMatch(/^id: 1\nevent: started\n/);
  expect(streamed).toMatch(/event: end\ndata: \{"status":"succeeded","errorCode":null\}\n\n$/);

  // Each run that succeeded reached the webhook receiver, signed (verified above), once per id.
  await expect
    .poll(() => verifiedEvents().map((e) => `${e.type} ${e.data.executionId}`), { timeout: 20_000 })
    .toEqual(expect.arrayContaining([`run.succeeded ${run.id}`, `run.succeeded ${accepted.id}`]));
  // The console lists the deliveries and their attempts; a test event goes the same way.
  await page.goto(page.url().replace(/\/api(\?.*)?$/, "/webhooks"));
  await expect(page.getByTestId("webhook-delivery-status").first()).toHaveText("delivered");
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect.poll(() => verifiedEvents().map((e) => e.type), { timeout: 20_000 }).toContain("webhook.test");
  await page.reload();
  const testDelivery = page.getByTestId("webhook-delivery").filter({ hasText: "webhook.test" });
  await expect(testDelivery.getByTestId("webhook-delivery-status")).toHaveText("delivered");
  await testDelivery.getByText("Attempts").click();
  await expect(testDelivery.getByTestId("webhook-attempt")).toContainText("204");
  receiver.close();
  await page.goBack();

  // The operator's view, from this machine: Prometheus metrics and the health report.
  const scraped = await (await request.get("/api/metrics")).text();
  expect(scraped).toMatch(
    /ainomads_http_requests_total\{route="\/api\/v1\/agents\/\{slug\}\/runs",method="POST",status="202"\} \d+/,
  );
  expect(scraped).toMatch(/ainomads_run_duration_seconds_count\{agent="[0-9a-f-]{36}",status="succeeded"\} \d+/);
  expect(scraped).toContain('ainomads_queue_jobs_waiting{queue="runs"}');
  expect(scraped).toMatch(/ainomads_webhook_attempts_total\{event="run.succeeded",outcome="delivered"\} [1-9]/);
  const health = await (await request.get("/api/health")).json();
  expect(health).toMatchObject({
    status: "ok",
    queue: { waiting: expect.any(Number) },
    leads: { indexer: true, attester: true },
  });

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Revoke e2e-billing" }).click();
  await expect(page.getByRole("list", { name: "API keys" }).getByText("revoked")).toBeVisible();
  const refused = await request.get("/api/v1/agents", { headers: auth });
  expect(refused.status()).toBe(401);
  const activity = page.getByRole("list", { name: "Key activity" });
  await expect(activity).toContainText("api_key.created · e2e-billing");
  await expect(activity).toContainText("api_key.revoked · e2e-billing");
});

test("the API reference renders the OpenAPI document with copyable curl examples", async ({ page }) => {
  await page.goto("/docs/api");
  await expect(page.getByRole("heading", { name: "AI Nomads API" })).toBeVisible();
  await expect(page.getByTestId("curl-createRun")).toContainText('-H "Authorization: Bearer $AINOMADS_API_KEY"');
  await expect(page.locator("#problem-payment-required")).toContainText("402");
});

test("an idle keep-alive connection is still open after Node's default five seconds", async ({ baseURL }) => {
  // Clients pool connections: a server that closes one just as it is reused makes the
  // client's next request fail with ECONNRESET. The server keeps them for 65 s by default.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
      const request = http.get(new URL("/api/health", baseURL), { agent }, (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0, reused: request.reusedSocket }));
      });
      request.on("error", reject);
    });
  try {
    expect(await get()).toEqual({ status: 200, reused: false });
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect(await get()).toEqual({ status: 200, reused: true });
  } finally {
    agent.destroy();
  }
});
