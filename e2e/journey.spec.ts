import { expect, test } from "./fixtures/test";
import { mailedLink } from "./fixtures/outbox";
import { createDraftAgent, newAccount, signIn, signOut, signUp } from "./fixtures/accounts";

test("a visitor sees the marketplace with published agents", async ({ page }) => {
  await page.goto("/agents");
  await expect(page.getByRole("heading", { name: "Marketplace" })).toBeVisible();
  await expect(page.getByTestId("agent-card").filter({ hasText: "CSV Statistics" })).toBeVisible();
  await page.getByRole("link", { name: "data", exact: true }).click();
  await expect(page).toHaveURL(/category=data/);
  await expect(page.getByTestId("agent-card").filter({ hasText: "Markdown Outline" })).toHaveCount(0);
  // Search and filters keep their state in the URL.
  await page.goto("/agents");
  await page.getByLabel("Search").fill("markdown headings");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=markdown\+headings/);
  await expect(page.getByTestId("agent-card")).toHaveCount(1);
  await expect(page.getByTestId("agent-card")).toContainText("Markdown Outline");
  await page.goto("/agents?min=0.0003&max=0.0005&sort=price_desc");
  await expect(page.getByTestId("agent-card")).toHaveCount(2);
  await expect(page.getByTestId("agent-card").first()).toContainText("JSON Schema Validator");
  await expect(page.getByTestId("agent-card").last()).toContainText("Entity Extractor");
  await page.goto("/agents?min=lots");
  await expect(page.getByText("Minimum price must be an amount in ETH, like 0.001.")).toBeVisible();
  await page.goto("/agents");
  await page.getByRole("link", { name: "CSV Statistics" }).click();
  await expect(page.getByRole("heading", { name: "CSV Statistics" })).toBeVisible();
  await expect(page.getByText("0.001 ETH").first()).toBeVisible();
  await expect(page.getByRole("list", { name: "Version history" })).toContainText("First release");
  // Verified stats are shown (other specs may run this demo agent over the API meanwhile).
  await expect(page.getByTestId("agent-stats")).toContainText(/Runs\d+Success rate/);
  // npm start lists the demo agents on the local chain, with a demo purchase and rating.
  await expect(page.getByTestId("agent-rating")).toHaveText("5.00 / 5 from 1 rating by paying buyers");
  await expect(page.getByText("to buy runs for your organisation.")).toBeVisible();
});

test("sign-up shows what is wrong next to each field", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Casey");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#email-error")).toHaveText("Enter a valid email address.");
  await expect(page.locator("#password-error")).toHaveText("Use at least 10 characters.");

  const taken = newAccount("Taken");
  await signUp(page, taken);
  await signOut(page);
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByLabel("Email").fill(taken.email);
  await page.getByLabel("Password").fill("another long password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#email-error")).toHaveText("An account with this email already exists.");
});

test("a creator signs up, signs out, signs in and creates a draft agent that is listed", async ({ page }) => {
  const creator = newAccount("Creator");
  await signUp(page, creator);
  await expect(page).toHaveURL(/\/studio$/);
  await signOut(page);

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(creator.email);
  await page.getByLabel("Password").fill("the wrong password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.locator("#password-error")).toHaveText("Wrong email or password.");

  await signIn(page, creator);
  await createDraftAgent(page, {
    name: "Invoice Parser",
    description: "Extracts totals and dates from invoices.",
    category: "finance",
    tags: "invoices, pdf",
  });
  await page.getByRole("link", { name: "Invoice Parser" }).click();
  await expect(page.getByRole("heading", { name: "Invoice Parser" })).toBeVisible();
  await expect(page.getByLabel("Tags")).toHaveValue("invoices, pdf");
  await expect(page.getByLabel("Category")).toHaveValue("finance");
  // A draft is not in the public marketplace.
  await page.goto("/agents");
  await expect(page.getByTestId("agent-card").filter({ hasText: "Invoice Parser" })).toHaveCount(0);

  // Their own trail shows the failed and the good sign-in.
  await page.goto("/settings/activity");
  await expect(page.getByRole("table", { name: "Audit trail" })).toContainText("user.sign_in_failed");
  await expect(page.getByRole("table", { name: "Audit trail" })).toContainText("user.signed_in");

  // Their data, exported in the background and downloaded once.
  await page.goto("/settings");
  await page.getByRole("button", { name: "Export my data" }).click();
  await expect(page.getByTestId("export-status").first()).toHaveText("ready to download (once)", { timeout: 20_000 });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /^Download/ }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^ai-nomads-export-.*\.zip$/);
  await expect(page.getByTestId("export-status").first()).toHaveText("downloaded");

  // Then they erase the account: signed out, and it cannot sign in again.
  await page.getByLabel('Type "erase my account"').fill("erase my account");
  await page.getByLabel("Your password, to confirm").fill(creator.password);
  await page.getByRole("button", { name: "Erase my account" }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(creator.email);
  await page.getByLabel("Password").fill(creator.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.locator("#password-error")).toHaveText("Wrong email or password.");
});

test("an owner invites a member by email, who accepts through the link; the owner removes them", async ({
  browser,
}) => {
  const owner = newAccount("Owner");
  const member = newAccount("Member");
  const ownerPage = await (await browser.newContext()).newPage();
  await signUp(ownerPage, owner);
  await ownerPage.goto("/orgs");
  await ownerPage.getByLabel("Organisation name").fill("Acme Analytics");
  await ownerPage.getByRole("button", { name: "Create organisation" }).click();
  await expect(ownerPage.getByRole("heading", { name: "Acme Analytics" })).toBeVisible();

  await ownerPage.getByLabel("Email").fill(member.email);
  await ownerPage.getByRole("button", { name: "Invite" }).click();
  const link = await ownerPage.getByLabel("Invitation link").inputValue();
  expect(link).toMatch(/\/invite\/[\w-]{40,}$/);
  await expect(ownerPage.getByRole("list", { name: "Pending invitations" })).toContainText(member.email);

  const memberPage = await (await browser.newContext()).newPage();
  await memberPage.goto(link);
  await expect(memberPage.getByRole("heading", { name: "Join Acme Analytics" })).toBeVisible();
  await memberPage.getByRole("link", { name: "Create account" }).click();
  await memberPage.getByLabel("Name").fill(member.name);
  await memberPage.getByLabel("Email").fill(member.email);
  await memberPage.getByLabel("Password").fill(member.password);
  await memberPage.getByRole("button", { name: "Create account" }).click();
  // An address typed at sign-up is not proof: the invitation waits for the mailed link.
  await memberPage.getByRole("button", { name: "Accept invitation" }).click();
  await expect(memberPage.getByText("Confirm your email address first")).toBeVisible();
  await memberPage.goto(await mailedLink(member.email, "/verify-email"));
  await memberPage.getByRole("button", { name: "Confirm my email" }).click();
  await expect(memberPage.getByTestId("email-status")).toHaveText("confirmed");
  await memberPage.goto(link);
  await memberPage.getByRole("button", { name: "Accept invitation" }).click();
  await expect(memberPage.getByRole("heading", { name: "Acme Analytics" })).toBeVisible();
  await expect(memberPage.getByRole("list", { name: "Members" })).toContainText(owner.email);
  // A member does not get the owner's tools.
  await expect(memberPage.getByRole("button", { name: "Invite" })).toHaveCount(0);

  // A viewer reads; made a developer by the owner, they manage the webhooks.
  const orgUrl = memberPage.url();
  await memberPage.goto(`${orgUrl}/webhooks`);
  await expect(
    memberPage.getByText("Owners, admins and developers of this organisation manage webhooks."),
  ).toBeVisible();
  await ownerPage.reload();
  const members = ownerPage.getByRole("list", { name: "Members" });
  await expect(members).toContainText(member.email);
  await expect(ownerPage.getByLabel(`Role of ${member.name}`)).toHaveValue("viewer");
  await ownerPage.getByLabel(`Role of ${member.name}`).selectOption("developer");
  await expect(ownerPage.getByRole("list", { name: "Activity" })).toContainText("member.role_changed");
  await memberPage.reload();
  await expect(memberPage.getByRole("button", { name: "Add endpoint" })).toBeVisible();
  // The last owner cannot be demoted, not even by themselves: there is no control for it.
  await expect(ownerPage.getByLabel(`Role of ${owner.name}`)).toHaveCount(0);
  ownerPage.once("dialog", (d) => void d.accept());
  await ownerPage.getByRole("button", { name: `Remove ${member.name}` }).click();
  await expect(members).not.toContainText(member.email);

  await memberPage.goto("/orgs");
  await expect(memberPage.getByText("You are not in an organisation yet.")).toBeVisible();
});
