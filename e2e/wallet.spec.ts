import { expect, test } from "./fixtures/test";
import { newAccount, signUp } from "./fixtures/accounts";
import { installWallet, newTestWallet } from "./fixtures/wallet";

// The demo agents are listed on the e2e server's fresh local chain by `npm start`'s demo data.
const DEMO_LISTED_SLUG = "csv-stats";

async function signUpWithOrg(page: import("@playwright/test").Page, name: string) {
  await signUp(page, newAccount(name));
  await page.goto("/orgs");
  await page.getByLabel("Organisation name").fill(`${name} Org`);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
}

test("the header connects a browser wallet announced through EIP-6963 and switches it to the configured chain", async ({
  page,
}) => {
  const wallet = newTestWallet();
  // The wallet starts on Ethereum mainnet; connecting asks it to switch to the local chain.
  await installWallet(page, wallet, { chainId: 1 });
  await signUp(page, newAccount("Connector"));
  await page.getByTestId("wallet-connect").click();
  await page.getByRole("menuitem", { name: "E2E Test Wallet" }).click();
  await expect(page.getByTestId("wallet-connected")).toHaveText(
    `${wallet.address.slice(0, 6)}…${wallet.address.slice(-4)}`,
  );
  await page.getByTestId("wallet-connected").click();
  await expect(page.getByText(/Local chain \(anvil\) · 0 ETH/)).toBeVisible();
  // Still connected after a reload.
  await page.keyboard.press("Escape");
  await page.reload();
  await expect(page.getByTestId("wallet-connected")).toBeVisible();
});

test("a wallet that will not leave the wrong chain gets a clear message instead of a purchase", async ({ page }) => {
  await installWallet(page, newTestWallet(), { chainId: 1, refuseChainSwitch: true });
  await signUpWithOrg(page, "Wrong Chain");
  await page.goto(`/agents/${DEMO_LISTED_SLUG}`);
  await page.getByRole("button", { name: "Buy runs" }).click();
  await expect(
    page.getByText("Your wallet is still on chain 1. Switch it to Local chain (anvil) (chain 31337) and try again."),
  ).toBeVisible();
  await expect(page.getByTestId("wallet-wrong-chain")).toHaveText("Switch to Local chain (anvil)");
  await expect(page.getByTestId("buy-confirmed")).toHaveCount(0);
});

test("a wallet with too little balance is told so before anything is sent", async ({ page }) => {
  const empty = newTestWallet(); // a fresh key: 0 ETH on the local chain
  await installWallet(page, empty);
  await signUpWithOrg(page, "Empty Wallet");
  await page.goto(`/agents/${DEMO_LISTED_SLUG}`);
  await page.getByLabel("Runs").fill("3");
  await page.getByRole("button", { name: "Buy runs" }).click();
  await expect(
    page.getByText(/^Too little balance: your wallet holds 0 ETH and this purchase costs .+ ETH plus gas\./),
  ).toBeVisible();
  await expect(page.getByTestId("buy-confirmed")).toHaveCount(0);
});
