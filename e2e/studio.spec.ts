import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures/test";
import { createDraftAgent, newAccount, signUp } from "./fixtures/accounts";
import { setEditorText } from "./fixtures/editor";

async function waitSaved(page: Page) {
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved", { timeout: 15_000 });
}

async function runInPlayground(page: Page, input: string, version = "Draft") {
  await page.getByRole("tab", { name: "Playground" }).click();
  await page.getByLabel("Version to run").selectOption({ label: version });
  await setEditorText(page, "Playground input", input);
  await page.getByRole("button", { name: "Run", exact: true }).click();
}

async function publish(page: Page, changelog: string) {
  await page.getByRole("tab", { name: "Versions" }).click();
  await page.getByLabel("What changed").fill(changelog);
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByRole("list", { name: "Versions" })).toContainText(changelog);
}

test("a creator builds a code agent, runs it, publishes v1 and v2 and compares them", async ({ page }) => {
  await signUp(page, newAccount("Builder"));
  await createDraftAgent(page, {
    name: "Word Counter",
    description: "Counts words.",
    category: "writing",
    tags: "text",
  });
  await page.getByRole("link", { name: "Word Counter" }).click();

  await page.getByLabel("Run JavaScript code").check();
  await setEditorText(
    page,
    "Handler code",
    `async function handler(input, ctx) {\n  const words = input.text.split(/\\s+/).filter(Boolean);\n  ctx.log("counted", words.length);\n  return { words: words.length };\n}`,
  );
  await setEditorText(
    page,
    "Input schema",
    `{"type":"object","required":["text"],"properties":{"text":{"type":"string"}}}`,
  );
  await waitSaved(page);

  await runInPlayground(page, `{"text": "one two  three"}`);
  await expect(page.getByTestId("run-status")).toHaveText("succeeded");
  await expect(page.getByTestId("run-output")).toContainText('"words": 3');
  await expect(page.getByRole("list", { name: "Steps" })).toContainText("counted 3");

  // Input that breaks the schema is refused with the schema's message, and not run.
  await setEditorText(page, "Playground input", `{"text": 5}`);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByText(/\/text must be string/)).toBeVisible();

  await runInPlayground(page, `{"text": "a b"}`);
  await expect(page.getByTestId("run-output")).toContainText('"words": 2');
  await page.getByRole("link", { name: "View execution" }).click();
  await expect(page.getByRole("heading", { name: "Execution" })).toBeVisible();
  await expect(page.getByTestId("execution-output")).toContainText('"words": 2');
  await expect(page.getByTestId("receipt-hash")).toHaveText(/^[0-9a-f]{64}$/);
  await page.getByRole("link", { name: /Runs of Word Counter/ }).click();
  await expect(page.getByRole("table", { name: "Runs" }).getByRole("row")).toHaveCount(3);
  await page.getByRole("link", { name: "← Word Counter" }).click();

  await publish(page, "First version");

  await page.getByRole("tab", { name: "Build" }).click();
  await setEditorText(
    page,
    "Handler code",
    `async function handler(input, ctx) {\n  const words = input.text.split(/\\s+/).filter(Boolean);\n  return { words: words.length, unique: new Set(words).size };\n}`,
  );
  await waitSaved(page);
  await publish(page, "Count unique words too");

  await expect(page.getByLabel("Compare from")).toHaveValue(/.+/);
  const diff = page.getByTestId("version-diff");
  await expect(diff).toContainText('-   ctx.log("counted", words.length);');
  await expect(diff).toContainText("+   return { words: words.length, unique: new Set(words).size };");

  // Published versions are frozen: v1 still answers the old way.
  await runInPlayground(page, `{"text": "x x y"}`, "Version 1");
  await expect(page.getByTestId("run-output")).toContainText('"words": 3');
  await expect(page.getByTestId("run-output")).not.toContainText("unique");
  await runInPlayground(page, `{"text": "x x y"}`, "Version 2");
  await expect(page.getByTestId("run-output")).toContainText('"unique": 2');

  // The published agent is in the marketplace at its latest version.
  await page.goto("/agents");
  await expect(page.getByTestId("agent-card").filter({ hasText: "Word Counter" })).toContainText("v2");
});

test("a model agent streams its answer from an OpenAI-compatible server", async ({ page }) => {
  await signUp(page, newAccount("Prompter"));
  await createDraftAgent(page, { name: "Greeter", description: "Says hello.", category: "writing", tags: "" });
  await page.getByRole("link", { name: "Greeter" }).click();
  await page.getByLabel("Model provider").selectOption("openai");
  await page.getByLabel("Model id").fill("stub-model");
  await page.getByLabel("System prompt").fill("Greet the user.");
  await waitSaved(page);

  await runInPlayground(page, `{"prompt": "Say hello"}`);
  // Words arrive while the run is still going…
  await expect(page.getByTestId("streamed-text")).toContainText("Hello");
  await expect(page.getByTestId("run-status")).toHaveCount(0);
  // …and the run finishes with the whole answer and its token usage.
  await expect(page.getByTestId("run-status")).toHaveText("succeeded");
  await expect(page.getByTestId("streamed-text")).toHaveText("Hello from the stub model.");
  await expect(page.getByText("12/5 tokens")).toBeVisible();
});
