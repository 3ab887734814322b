import { expect, test } from "./fixtures/test";
import { createDraftAgent, newAccount, signUp } from "./fixtures/accounts";
import { setEditorText } from "./fixtures/editor";
import { E2E_RPC_URL, installWallet } from "./fixtures/wallet";

async function rpc<T>(method: string, params: unknown[]): Promise<T> {
  const response = await fetch(E2E_RPC_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await response.json()) as { result: T }).result;
}

// Anvil's public test account #3, funded on the local chain; only this spec uses it.
const creatorWallet = {
  address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  privateKey: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
} as const;

// Anvil's public test account #2, funded on the local chain; only this spec uses it.
const buyerWallet = {
  address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  privateKey: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
} as const;

test("a creator lists an agent on-chain from their wallet; an organisation buys 10 runs and gets 10 credits", async ({
  page,
  browser,
}) => {
  // The whole money loop in one journey: several wallet transactions and page loads.
  test.setTimeout(240_000);
  await installWallet(page, creatorWallet);
  await signUp(page, newAccount("Lister"));
  await page.goto("/settings");
  await page.getByRole("button", { name: "Link a wallet" }).click();
  await expect(page.getByTestId("wallet-address")).toHaveText(creatorWallet.address);

  await createDraftAgent(page, {
    name: "Chain Listed",
    description: "Listed on-chain.",
    category: "data",
    tags: "chain",
  });
  await page.getByRole("link", { name: "Chain Listed" }).click();
  await page.getByLabel("Run JavaScript code").check();
  await setEditorText(page, "Handler code", "async function handler(input) { return { ok: true }; }");
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved", { timeout: 15_000 });

  await page.getByRole("tab", { name: "Versions" }).click();
  await expect(page.getByTestId("listing-status")).toHaveCount(0);
  await page.getByLabel("What changed").fill("First listing");
  await page.getByLabel("Price per run (ETH)").fill("0.002");
  // The linked wallet is offered as the payee, and the split is shown before publishing.
  await expect(page.getByLabel("Payee 1 address")).toHaveValue(creatorWallet.address.toLowerCase());
  await expect(page.getByLabel("Payee 1 share (%)")).toHaveValue("100");
  await expect(page.getByTestId("payee-total")).toHaveText("Total 100 %");
  await expect(page.getByTestId("split-preview")).toContainText("Platform fee (5 %)0.0001 ETH");
  await expect(page.getByTestId("split-preview")).toContainText("0.0019 ETH");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByTestId("listing-status")).toContainText("Not on-chain yet");

  await page.getByRole("button", { name: "List on-chain" }).click();
  await expect(page.getByTestId("listing-status")).toHaveText(/Listed on-chain as listing #\d+\./, { timeout: 30_000 });

  await page.goto("/agents/chain-listed");
  await expect(page.getByText("This agent is not listed on-chain yet")).toHaveCount(0);
  await expect(page.getByTestId("agent-rating")).toHaveText("No ratings yet.");

  // A buyer's organisation buys 10 runs from the agent page.
  const buyer = await (await browser.newContext()).newPage();
  await installWallet(buyer, buyerWallet);
  await signUp(buyer, newAccount("Buyer"));
  await buyer.goto("/settings");
  await buyer.getByRole("button", { name: "Link a wallet" }).click();
  await expect(buyer.getByTestId("wallet-address")).toHaveText(buyerWallet.address);
  await buyer.goto("/orgs");
  await buyer.getByLabel("Organisation name").fill("Buyer Analytics");
  await buyer.getByRole("button", { name: "Create organisation" }).click();
  await buyer.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
  const orgUrl = buyer.url();

  await buyer.goto("/agents/chain-listed");
  await buyer.getByLabel("Runs").fill("10");
  await expect(buyer.getByTestId("buy-total")).toHaveText("Total: 0.02 ETH");
  await buyer.getByRole("button", { name: "Buy runs" }).click();
  await expect(buyer.getByTestId("buy-confirmed")).toContainText("Confirmed: 10 runs for Buyer Analytics", {
    timeout: 30_000,
  });

  await buyer.goto(orgUrl);
  const purchases = buyer.getByRole("list", { name: "Purchases" });
  await expect(purchases).toContainText("Chain Listed");
  await expect(purchases.getByTestId("credits-left")).toHaveText("10 of 10 runs left");
  await expect(purchases).toContainText("0.02 ETH");
  await expect(purchases.locator("code")).toHaveText(/^0x[0-9a-f]{64}$/);
  // The indexer sees the same event again; the credits stay exactly 10.
  await buyer.waitForTimeout(6_000);
  await buyer.reload();
  await expect(purchases.getByTestId("credits-left")).toHaveText("10 of 10 runs left");

  // The buyer rates the agent once; then there is nothing left for them to rate.
  await buyer.goto("/agents/chain-listed");
  await buyer.getByLabel("Score").selectOption("4");
  await buyer.getByLabel("Review (optional)").fill("Answers in one call; the output is exactly what the schema says.");
  await buyer.getByRole("button", { name: "Rate", exact: true }).click();
  await expect(buyer.getByTestId("agent-rating")).toHaveText("4.00 / 5 from 1 rating by paying buyers", {
    timeout: 30_000,
  });
  await expect(buyer.getByRole("list", { name: "Reviews" })).toContainText(
    "Answers in one call; the output is exactly what the schema says.",
  );
  await expect(buyer.getByTestId("rate-why-not")).toContainText("none of your linked wallets has an unrated purchase");
  // Search ranks and filters by reputation (the rating weighted by the 0.02 ETH its purchase
  // paid, shrunk towards 3: 3.67), and the card shows the raw rating.
  await expect(buyer.getByTestId("agent-rating-weighted")).toContainText("from 1 paying wallet");
  await buyer.goto("/agents?q=chain+listed&rating=4&sort=reputation");
  await expect(buyer.getByTestId("agent-card").filter({ hasText: "Chain Listed" })).toHaveCount(0);
  await buyer.goto("/agents?q=chain+listed&rating=3&sort=reputation");
  await expect(
    buyer.getByTestId("agent-card").filter({ hasText: "Chain Listed" }).getByTestId("agent-card-stats"),
  ).toContainText("★ 4.0 (1)");
  await buyer.goto("/agents?q=chain+listed&rating=4.5");
  await expect(buyer.getByTestId("agent-card").filter({ hasText: "Chain Listed" })).toHaveCount(0);
  // Someone who did not buy is told why they cannot rate.
  await page.goto("/agents/chain-listed");
  await expect(page.getByTestId("rate-why-not")).toContainText(
    "Only a wallet that bought runs of this agent can rate it",
  );

  // The creator withdraws: the wallet rises by exactly the payee share (0.02 ETH − 5 % fee).
  await page.goto("/payouts");
  await expect(page.getByRole("list", { name: "Earnings" })).toContainText("Chain Listed");
  await expect(page.getByTestId("claimable")).toHaveText("0.019 ETH");
  const before = BigInt(await rpc<string>("eth_getBalance", [creatorWallet.address, "latest"]));
  await page.getByRole("button", { name: "Withdraw" }).click();
  const txHash = (await page.getByTestId("withdraw-tx").textContent({ timeout: 30_000 }))!.trim();
  const receipt = await rpc<{ gasUsed: string; effectiveGasPrice: string }>("eth_getTransactionReceipt", [txHash]);
  const after = BigInt(await rpc<string>("eth_getBalance", [creatorWallet.address, "latest"]));
  expect(after - before + BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice)).toBe(19_000_000_000_000_000n);
  await page.reload();
  await expect(page.getByTestId("claimable")).toHaveText("0 ETH");
  await expect(page.getByRole("button", { name: "Withdraw" })).toHaveCount(0);
  // The dashboard sets what was withdrawn (once the indexer has read it) beside what is claimable, per payee wallet.
  await expect(async () => {
    await page.goto("/dashboard?tables=earnings");
    const earnings = page.locator('[data-chart="earnings"] tbody tr').filter({ hasText: "your wallet" });
    await expect(earnings).toContainText("0 ETH0.019 ETH", { timeout: 3_000 });
  }).toPass({ timeout: 30_000 });

  // Version 2 changes the price: the chain keeps selling at the old one until the creator
  // updates the listing from the studio.
  await page.goto("/studio/chain-listed");
  await page.getByRole("tab", { name: "Versions" }).click();
  await page.getByLabel("What changed").fill("Cheaper");
  await page.getByLabel("Price per run (ETH)").fill("0.001");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByTestId("listing-outdated")).toContainText("Version 2 sells at 0.001 ETH");
  await buyer.goto("/agents/chain-listed");
  await expect(buyer.getByTestId("price-pending")).toContainText("still sells at 0.002 ETH");
  await page.getByRole("button", { name: "Update listing to version 2" }).click();
  await expect(page.getByTestId("listing-status")).toContainText("On sale at 0.001 ETH per run", { timeout: 30_000 });
  await expect(page.getByTestId("listing-outdated")).toHaveCount(0);
  await buyer.reload();
  await expect(buyer.getByTestId("price-pending")).toHaveCount(0);
  await buyer.getByLabel("Runs").fill("10");
  await expect(buyer.getByTestId("buy-total")).toHaveText("Total: 0.01 ETH");
});
