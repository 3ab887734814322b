import { expect, test } from "@playwright/test";
import { createDraftAgent, newAccount, signUp } from "./fixtures/accounts";
import { setEditorText } from "./fixtures/editor";
import { installWallet } from "./fixtures/wallet";

// Anvil's public test account #3, funded on the local chain; only this spec uses it.
const creatorWallet = {
  address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  privateKey: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
} as const;

test("a creator publishes with a price and payees and lists the agent on-chain from their wallet", async ({ page }) => {
  await installWallet(page, creatorWallet);
  await signUp(page, newAccount("Lister"));
  await page.goto("/settings");
  await page.getByRole("button", { name: "Link a wallet" }).click();
  await expect(page.getByTestId("wallet-address")).toHaveText(creatorWallet.address);

  await createDraftAgent(page, { name: "Chain Listed", description: "Listed on-chain.", category: "data", tags: "chain" });
  await page.getByRole("link", { name: "Chain Listed" }).click();
  await page.getByLabel("Run JavaScript code").check();
  await setEditorText(page, "Handler code", "async function handler(input) { return { ok: true }; }");
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved", { timeout: 15_000 });

  await page.getByRole("tab", { name: "Versions" }).click();
  await expect(page.getByTestId("listing-status")).toHaveCount(0);
  await page.getByLabel("What changed").fill("First listing");
  await page.getByLabel("Price per run (wei)").fill("2000000000000000");
  // The linked wallet is offered as the payee.
  await expect(page.getByLabel(/Payees/)).toHaveValue(`${creatorWallet.address.toLowerCase()} 10000`);
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByTestId("listing-status")).toContainText("Not on-chain yet");

  await page.getByRole("button", { name: "List on-chain" }).click();
  await expect(page.getByTestId("listing-status")).toHaveText(/Listed on-chain as listing #\d+\./, { timeout: 30_000 });

  await page.goto("/agents/chain-listed");
  await expect(page.getByText("This agent is not listed on-chain yet")).toHaveCount(0);
  await expect(page.getByTestId("agent-rating")).toHaveText("No ratings yet.");
});
