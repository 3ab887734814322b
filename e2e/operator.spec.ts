import { randomUUID } from "node:crypto";
import { expect, test } from "./fixtures/test";
import { createDraftAgent, newAccount, signIn, signUp } from "./fixtures/accounts";
import { setEditorText } from "./fixtures/editor";
import { mailedLink } from "./fixtures/outbox";

test("an operator takes a report: unlists the agent (its creator is told why), lists it again, suspends the reporter and restores them, and reads the chain and the platform trail", async ({
  page,
  browser,
}) => {
  // Four people in four browser contexts, beside the other specs: more than the default minute.
  test.setTimeout(150_000);
  // A creator publishes an agent.
  const creator = newAccount("Gray Creator");
  await signUp(page, creator);
  const name = `Gray Helper ${randomUUID().slice(0, 6)}`;
  await createDraftAgent(page, { name, description: "Helps with gray areas.", category: "data", tags: "gray" });
  await page.getByRole("link", { name }).click();
  await page.getByLabel("Run JavaScript code").check();
  await setEditorText(page, "Handler code", `async function handler(input) {\n  return { ok: true };\n}`);
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved", { timeout: 15_000 });
  await page.getByRole("tab", { name: "Versions" }).click();
  await page.getByLabel("What changed").fill("first");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByRole("list", { name: "Versions" })).toContainText("first");
  const slug = new URL(page.url()).pathname.split("/")[2]!;

  // Someone reports it from its page.
  const reporter = newAccount("Careful Reporter");
  const reporterPage = await (await browser.newContext()).newPage();
  await signUp(reporterPage, reporter);
  await reporterPage.goto(`/agents/${slug}`);
  await reporterPage.getByLabel("Reason").selectOption("misleading");
  await reporterPage.getByLabel("What happened (optional)").fill("It asked for my bank password.");
  await reporterPage.getByRole("button", { name: "Report this agent" }).click();
  await expect(reporterPage.getByRole("status")).toContainText("the report is with the platform's operators");
  // The console is not there for them.
  await reporterPage.goto("/operator");
  await expect(reporterPage.getByRole("heading", { name: "Not found" })).toBeVisible();

  // The operator, once their email is confirmed, finds the console from their settings.
  const operator = { ...newAccount("Platform Operator"), email: "operator@e2e.example.com" };
  const operatorPage = await (await browser.newContext()).newPage();
  await signUp(operatorPage, operator);
  await operatorPage.goto("/operator");
  await expect(operatorPage.getByRole("heading", { name: "Not found" })).toBeVisible();
  await operatorPage.goto(await mailedLink(operator.email, "/verify-email"));
  await operatorPage.getByRole("button", { name: "Confirm my email" }).click();
  await operatorPage.goto("/settings");
  await operatorPage.getByRole("link", { name: "Operator console →" }).click();
  await expect(operatorPage.getByRole("heading", { name: "Operator console" })).toBeVisible();

  const report = operatorPage
    .getByRole("list", { name: "Open abuse reports" })
    .getByRole("listitem")
    .filter({ hasText: name });
  await expect(report).toContainText("It asked for my bank password.");
  await expect(report).toContainText(reporter.email);
  await report.getByLabel("Why (shown to the creator)").fill("Phishing for bank passwords");
  await report.getByRole("button", { name: "Unlist agent" }).click();
  await expect(report).toContainText("unlisted");
  await report.getByRole("button", { name: "Resolved" }).click();
  await expect(report).toHaveCount(0);

  // Hidden from the marketplace; its page says so; its creator reads why.
  await reporterPage.goto(`/agents?q=${encodeURIComponent(name)}`);
  await expect(reporterPage.getByTestId("agent-card").filter({ hasText: name })).toHaveCount(0);
  await reporterPage.goto(`/agents/${slug}`);
  await expect(reporterPage.getByTestId("agent-unlisted")).toBeVisible();
  await expect(reporterPage.getByTestId("agent-unlisted")).not.toContainText("Phishing");
  await page.goto(`/studio/${slug}`);
  await expect(page.getByTestId("studio-unlisted")).toContainText("Phishing for bank passwords");

  // Listed again, from the unlisted agents.
  await operatorPage.reload();
  const unlisted = operatorPage.getByRole("list", { name: "Agents" }).getByRole("listitem").filter({ hasText: name });
  await unlisted.getByRole("button", { name: "List again" }).click();
  await expect(unlisted).toHaveCount(0);
  await reporterPage.goto(`/agents?q=${encodeURIComponent(name)}`);
  await expect(reporterPage.getByTestId("agent-card").filter({ hasText: name })).toHaveCount(1);

  // The reporter's account is suspended: signed out, and told why at sign-in; then restored.
  await operatorPage.getByLabel("Find accounts").fill(reporter.email);
  await operatorPage.getByLabel("Find accounts").press("Enter");
  const account = operatorPage
    .getByRole("list", { name: "Accounts" })
    .getByRole("listitem")
    .filter({ hasText: reporter.email });
  await account.getByLabel("Why (shown to the account)").fill("Automated reports");
  await account.getByRole("button", { name: "Suspend" }).click();
  await expect(account).toContainText("suspended");
  await reporterPage.goto("/settings");
  await expect(reporterPage).toHaveURL(/\/sign-in/);
  await reporterPage.getByLabel("Email").fill(reporter.email);
  await reporterPage.getByLabel("Password").fill(reporter.password);
  await reporterPage.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(reporterPage.getByText("suspended by the platform's operators: Automated reports")).toBeVisible();
  await account.getByRole("button", { name: "Restore" }).click();
  await expect(account).not.toContainText("suspended");
  await signIn(reporterPage, reporter);

  // The chain: the fee on-chain (the server holds the local chain's owner key), the attester.
  await expect(operatorPage.getByTestId("platform-settings")).toContainText("basis points");
  await expect(operatorPage.getByRole("button", { name: "Set fee" })).toBeVisible();
  await expect(operatorPage.getByTestId("attester-state")).toContainText("Batches waiting to be attested");

  // Every change is on the platform trail.
  await operatorPage.getByRole("link", { name: "Platform activity →" }).click();
  for (const action of [
    "operator.agent_unlisted",
    "operator.report_resolved",
    "operator.agent_relisted",
    "operator.account_suspended",
    "operator.account_restored",
    "agent.reported",
  ])
    await expect(operatorPage.getByRole("table")).toContainText(action);
});
