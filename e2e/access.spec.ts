import { expect, test } from "./fixtures/test";
import { createDraftAgent, newAccount, signUp } from "./fixtures/accounts";

test("signed-out visitors are sent to sign in from every private page", async ({ page }) => {
  for (const path of [
    "/studio",
    "/studio/csv-stats",
    "/settings",
    "/dashboard",
    "/dashboard/csv-stats",
    "/orgs",
    "/orgs/00000000-0000-0000-0000-000000000000",
  ]) {
    await page.goto(path);
    await expect(page).toHaveURL(new RegExp(`/sign-in\\?callbackUrl=${encodeURIComponent(path)}$`));
  }
});

test("a second user cannot see the first user's drafts or organisation", async ({ browser }) => {
  const alice = newAccount("Alice");
  const alicePage = await (await browser.newContext()).newPage();
  await signUp(alicePage, alice);
  await createDraftAgent(alicePage, {
    name: "Alice Secret Draft",
    description: "private",
    category: "other",
    tags: "secret",
  });
  await alicePage.getByRole("link", { name: "Alice Secret Draft" }).click();
  await alicePage.waitForURL(/\/studio\/alice-secret-draft/);
  const draftUrl = new URL(alicePage.url()).pathname;
  await alicePage.goto("/orgs");
  await alicePage.getByLabel("Organisation name").fill("Alice Co");
  await alicePage.getByRole("button", { name: "Create organisation" }).click();
  await alicePage.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
  const orgUrl = new URL(alicePage.url()).pathname;

  const bobPage = await (await browser.newContext()).newPage();
  await signUp(bobPage, newAccount("Bob"));
  for (const path of [draftUrl, orgUrl, `/dashboard/${draftUrl.split("/").pop()}`, `${orgUrl}/api`]) {
    const response = await bobPage.goto(path);
    expect(response?.status()).toBe(404);
    await expect(bobPage.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
  await bobPage.goto("/studio");
  await expect(bobPage.getByText("Alice Secret Draft")).toHaveCount(0);
  await bobPage.goto("/orgs");
  await expect(bobPage.getByText("Alice Co")).toHaveCount(0);
  await bobPage.goto(`/agents/${draftUrl.split("/").pop()}`);
  await expect(bobPage.getByRole("heading", { name: "Not found" })).toBeVisible();

  // The playground route: another user's (or no) agent is not found, a cross-site post is
  // refused, and a body past 1 MiB is refused before anything is read into memory.
  const origin = new URL(bobPage.url()).origin;
  const playground = (agentId: string, data: unknown, from = origin) =>
    bobPage.request.post(`/api/studio/agents/${agentId}/runs`, { headers: { origin: from }, data });
  const missing = await playground(crypto.randomUUID(), { input: {} });
  expect(missing.status()).toBe(404);
  expect(missing.headers()["content-type"]).toContain("application/problem+json");
  expect((await playground(crypto.randomUUID(), { input: {} }, "https://evil.example")).status()).toBe(403);
  expect((await playground(crypto.randomUUID(), { input: "x".repeat(1024 * 1024) })).status()).toBe(413);

  // Alice's things are unchanged and still hers.
  await alicePage.goto("/studio");
  await expect(alicePage.getByText("Alice Secret Draft")).toBeVisible();
  await alicePage.goto(orgUrl);
  await expect(alicePage.getByRole("list", { name: "Members" }).getByRole("listitem")).toHaveCount(1);
});

test("sign-in and the forms behind it work with scripts disabled: they post, a password never enters a URL", async ({
  browser,
}) => {
  const account = newAccount("NoScript");
  const setup = await (await browser.newContext()).newPage();
  await signUp(setup, account);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  await page.goto("/sign-in?callbackUrl=/settings");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill("a wrong password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/settings$/);

  // The forms behind sign-in post too: change the password (a wrong current one first) ...
  const passwordForm = page.locator("form").filter({ has: page.getByRole("button", { name: "Change password" }) });
  await passwordForm.getByLabel("Current password").fill("not my password");
  await passwordForm.getByLabel("New password").fill("a brand new password");
  await passwordForm.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  await passwordForm.getByLabel("Current password").fill(account.password);
  await passwordForm.getByLabel("New password").fill("a brand new password");
  await passwordForm.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toHaveText("Password changed: your other sessions have ended.");
  // ... create an organisation, open it and invite someone, all without a script.
  await page.goto("/orgs");
  await page.getByLabel("Organisation name").fill("No Script Co");
  await page.getByRole("button", { name: "Create organisation" }).click();
  await page.getByRole("link", { name: "open it" }).click();
  await expect(page.getByRole("heading", { name: "No Script Co" })).toBeVisible();
  await page.getByLabel("Email").fill(`teammate-${Date.now()}@example.com`);
  await page.getByRole("button", { name: "Invite" }).click();
  await expect(page.getByLabel("Invitation link")).toHaveValue(/\/invite\//);
  for (const url of urls) expect(url).not.toContain("password");
  await context.close();
});

test("redirect targets stay on the site, and pages carry their security headers", async ({ page, request }) => {
  for (const target of [
    "%2F%09%2Fevil.example%2F",
    "%2F%0A%2Fevil.example",
    "%2F%0D%2Fevil.example",
    "https%3A%2F%2Fevil.example",
  ]) {
    const response = await page.goto(`/sign-up?callbackUrl=${target}`);
    expect(response!.status()).toBe(200);
    await expect(page.locator('input[name="callbackUrl"]')).toHaveValue("/studio");
  }
  const home = await page.goto("/agents");
  const headers = home!.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["permissions-policy"]).toContain("camera=()");
  const api = await request.get("/api/v1/openapi.json", { headers: { host: "evil.example" } });
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  expect((await api.json()).servers[0].url).not.toContain("evil.example");
});
