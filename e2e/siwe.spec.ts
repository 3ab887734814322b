import { expect, test } from "./fixtures/test";
import { newAccount, signUp } from "./fixtures/accounts";
import { installWallet, newTestWallet } from "./fixtures/wallet";

test("signing in with Ethereum creates a wallet account and signs back into it", async ({ page }) => {
  const wallet = newTestWallet();
  await installWallet(page, wallet);
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in with Ethereum" }).click();
  await expect(page).toHaveURL(/\/studio$/);
  const short = `${wallet.address.slice(0, 6)}…${wallet.address.slice(-4)}`; // checksummed, as wallets show it
  await expect(page.getByRole("button", { name: "Account menu" })).toHaveText(short);

  await page.goto("/settings");
  await expect(page.getByTestId("wallet-address")).toHaveText(wallet.address);

  // Sign out and back in: the same account, not a second one.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.goto("/sign-in?callbackUrl=/settings");
  await page.getByRole("button", { name: "Sign in with Ethereum" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByTestId("wallet-address")).toHaveCount(1);
});

test("a rejected signature leaves the visitor signed out with a clear message", async ({ page }) => {
  // A wallet that only sets window.ethereum (no EIP-6963 announcement) is still found.
  await installWallet(page, newTestWallet(), { rejectSignatures: true, announce: false });
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in with Ethereum" }).click();
  await expect(page.getByText("You rejected the request in your wallet.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
});

test("without a browser wallet the page says what to do", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in with Ethereum" }).click();
  await expect(page.getByText(/No browser wallet found/)).toBeVisible();
});

test("an email account links a wallet in settings; the wallet then signs into that account", async ({ browser }) => {
  const wallet = newTestWallet();
  const account = newAccount("Linker");
  const page = await (await browser.newContext()).newPage();
  await installWallet(page, wallet);
  await signUp(page, account);
  await page.goto("/settings");
  await expect(page.getByText("No wallet linked yet.")).toBeVisible();
  await page.getByRole("button", { name: "Link a wallet" }).click();
  await expect(page.getByTestId("wallet-address")).toHaveText(wallet.address);

  const other = await (await browser.newContext()).newPage();
  await installWallet(other, wallet);
  await other.goto("/sign-in?callbackUrl=/settings");
  await other.getByRole("button", { name: "Sign in with Ethereum" }).click();
  await expect(other.getByText(account.email).first()).toBeVisible();

  // The same wallet cannot be linked to a second account.
  const second = await (await browser.newContext()).newPage();
  await installWallet(second, wallet);
  await signUp(second, newAccount("Second"));
  await second.goto("/settings");
  await second.getByRole("button", { name: "Link a wallet" }).click();
  await expect(second.getByText("This wallet is already linked to an account.")).toBeVisible();
});
