import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures/test";
import { createDraftAgent, newAccount, signUp } from "./fixtures/accounts";
import { setEditorText } from "./fixtures/editor";
import { installWallet } from "./fixtures/wallet";

// These specs run in the "phone" project (playwright.config.ts): a 390 × 844 touch screen.

/** The page scrolls sideways: the elements that stick out, for the failure message. */
async function overflow(page: import("@playwright/test").Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(-5)
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 80)}`);
  });
}

test("on a 360 px phone no page scrolls sideways, signed out or in", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  const pages = ["/", "/agents", "/agents/csv-stats", "/agents/galaxy", "/docs/api", "/sign-in"];
  for (const path of pages) {
    await page.goto(path);
    await expect(page.locator("main")).toBeVisible();
    expect(await overflow(page), path).toEqual([]);
  }
  await signUp(page, newAccount("Phone User"));
  for (const path of ["/dashboard", "/studio", "/studio/new", "/payouts", "/settings", "/orgs"]) {
    await page.goto(path);
    await expect(page.locator("main")).toBeVisible();
    expect(await overflow(page), path).toEqual([]);
  }
  // With an agent in the studio and an organisation: the editor, its runs, the agent's
  // dashboard, the organisation and its API console.
  await createDraftAgent(page, { name: "Phone Agent", description: "Fits a phone.", category: "data", tags: "phone" });
  await page.goto("/orgs");
  await page.getByLabel("Organisation name").fill("Phone Co");
  await page.getByRole("button", { name: "Create organisation" }).click();
  await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
  const org = new URL(page.url()).pathname;
  for (const path of ["/studio/phone-agent", "/studio/phone-agent/runs", "/dashboard/phone-agent", org, `${org}/api`]) {
    await page.goto(path);
    await expect(page.locator("main")).toBeVisible();
    expect(await overflow(page), path).toEqual([]);
  }
});

/** Controls smaller than 44 px either way: a link inside running text is exempt (WCAG 2.5.8's inline exception), and a checkbox counts as its label. */
async function smallTargets(page: import("@playwright/test").Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("a, button, input, select, textarea, summary, [role=button], [role=tab]")]
      .filter((el) => {
        const checkable = el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio");
        const target = (checkable && el.closest("label")) || el;
        const box = target.getBoundingClientRect();
        if (!box.width || !box.height) return false;
        if (el.tagName === "A" && el.closest("p") && !el.closest("nav")) return false;
        return box.width < 44 || box.height < 44;
      })
      .map((el) => `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 30)}"`),
  );
}

test("on a phone every control is at least 44 px each way, on public pages and signed in", async ({ page }) => {
  for (const path of ["/", "/agents", "/agents/csv-stats", "/agents/galaxy", "/sign-in", "/sign-up"]) {
    await page.goto(path);
    await expect(page.locator("main")).toBeVisible();
    expect(await smallTargets(page), path).toEqual([]);
  }
  await signUp(page, newAccount("Touch User"));
  for (const path of ["/dashboard", "/studio", "/payouts", "/settings", "/orgs"]) {
    await page.goto(path);
    await expect(page.locator("main")).toBeVisible();
    expect(await smallTargets(page), path).toEqual([]);
  }
});

// Anvil's public test accounts #6 and #7, funded on the local chain; only this spec uses them.
const phoneCreatorWallet = {
  address: "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
  privateKey: "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
} as const;
const phoneBuyerWallet = {
  address: "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
  privateKey: "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
} as const;

/** The page fits the phone's width: nothing sticks out sideways. */
async function fits(page: Page, where: string) {
  await expect(page.locator("main")).toBeVisible();
  expect(await overflow(page), where).toEqual([]);
}

async function linkWallet(page: Page, address: string) {
  await page.goto("/settings");
  await page.getByRole("button", { name: "Link a wallet" }).tap();
  await expect(page.getByTestId("wallet-address")).toHaveText(address);
  await fits(page, "settings with a linked wallet");
}

test("the main journeys on a phone: sign up, build and run an agent, list it, buy runs, create an API key and call it, withdraw", async ({
  page,
  browser,
  request,
}, testInfo) => {
  // Two people and four wallet transactions in one journey.
  test.setTimeout(240_000);
  await installWallet(page, phoneCreatorWallet);
  await signUp(page, newAccount("Phone Creator"));
  await fits(page, "after sign-up");
  await linkWallet(page, phoneCreatorWallet.address);

  // Build and run an agent in the studio.
  await createDraftAgent(page, { name: "Pocket Doubler", description: "Doubles.", category: "data", tags: "math" });
  await page.getByRole("link", { name: "Pocket Doubler" }).tap();
  await page.getByLabel("Run JavaScript code").check();
  await setEditorText(page, "Handler code", "async function handler(input) { return { doubled: input.n * 2 }; }");
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved", { timeout: 15_000 });
  await fits(page, "studio builder");
  expect(await smallTargets(page), "studio builder").toEqual([]);
  await page.getByRole("tab", { name: "Playground" }).tap();
  await setEditorText(page, "Playground input", `{"n": 21}`);
  await page.getByRole("button", { name: "Run", exact: true }).tap();
  await expect(page.getByTestId("run-status")).toHaveText("succeeded");
  await expect(page.getByTestId("run-output")).toContainText('"doubled": 42');
  await fits(page, "studio playground after a run");
  expect(await smallTargets(page), "studio playground").toEqual([]);

  // Publish with a price and list it on-chain from the creator's wallet.
  await page.getByRole("tab", { name: "Versions" }).tap();
  await page.getByLabel("What changed").fill("First version");
  await page.getByLabel("Price per run (ETH)").fill("0.001");
  await page.getByRole("button", { name: "Publish", exact: true }).tap();
  await expect(page.getByTestId("listing-status")).toContainText("Not on-chain yet");
  await fits(page, "studio versions");
  expect(await smallTargets(page), "studio versions").toEqual([]);
  await page.getByRole("button", { name: "List on-chain" }).tap();
  await expect(page.getByTestId("listing-status")).toHaveText(/Listed on-chain as listing #\d+\./, { timeout: 30_000 });

  // A buyer on their phone: an organisation, 3 runs bought from the agent page.
  const buyerContext = await browser.newContext(testInfo.project.use);
  const buyer = await buyerContext.newPage();
  await installWallet(buyer, phoneBuyerWallet);
  await signUp(buyer, newAccount("Phone Buyer"));
  await linkWallet(buyer, phoneBuyerWallet.address);
  await buyer.goto("/orgs");
  await buyer.getByLabel("Organisation name").fill("Pocket Buyers");
  await buyer.getByRole("button", { name: "Create organisation" }).tap();
  await buyer.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
  const orgUrl = new URL(buyer.url()).pathname;
  await buyer.goto("/agents/pocket-doubler");
  await fits(buyer, "agent page");
  await buyer.getByLabel("Runs").fill("3");
  await expect(buyer.getByTestId("buy-total")).toHaveText("Total: 0.003 ETH");
  await buyer.getByRole("button", { name: "Buy runs" }).tap();
  await expect(buyer.getByTestId("buy-confirmed")).toContainText("Confirmed: 3 runs for Pocket Buyers", {
    timeout: 30_000,
  });
  await fits(buyer, "agent page after buying");
  expect(await smallTargets(buyer), "agent page with the buy and rate panels").toEqual([]);

  // An API key from the console, then a run through the public API with it.
  await buyer.goto(`${orgUrl}/api`);
  await fits(buyer, "API console");
  expect(await smallTargets(buyer), "API console").toEqual([]);
  await buyer.getByLabel("Name").fill("phone-key");
  await buyer.getByRole("checkbox", { name: "Pocket Doubler" }).check();
  await buyer.getByRole("button", { name: "Create key" }).tap();
  const secret = await buyer.getByLabel("New API key").inputValue();
  expect(secret).toMatch(/^anm_live_/);
  await fits(buyer, "API console with a new key");
  const run = await request.post("/api/v1/agents/pocket-doubler/runs", {
    headers: { authorization: `Bearer ${secret}` },
    data: { input: { n: 5 } },
  });
  expect(run.status()).toBe(201);
  expect((await run.json()).output).toEqual({ doubled: 10 });
  await buyer.reload();
  await expect(
    buyer.getByRole("list", { name: "Credits per agent" }).getByRole("listitem").filter({ hasText: "Pocket Doubler" }),
  ).toContainText("2 of 3 runs left");
  await fits(buyer, "API console after a run");
  await buyerContext.close();

  // The creator withdraws their share on the phone.
  await page.goto("/payouts");
  await expect(page.getByTestId("claimable")).toHaveText("0.00285 ETH");
  await fits(page, "payouts");
  await page.getByRole("button", { name: "Withdraw" }).tap();
  await expect(page.getByTestId("withdraw-tx")).toHaveText(/^0x[0-9a-f]{64}$/, { timeout: 30_000 });
  await fits(page, "payouts after withdrawing");
  expect(await smallTargets(page), "payouts").toEqual([]);
});
