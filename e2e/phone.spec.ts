import { expect, test } from "./fixtures/test";
import { createDraftAgent, newAccount, signUp } from "./fixtures/accounts";

test.use({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });

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
  await page.setViewportSize({ width: 390, height: 844 });
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
