import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;
const stubPort = Number(process.env.E2E_STUB_PORT ?? 3199);

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  globalSetup: "./e2e/global-setup.ts",
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Browsers cannot be downloaded here: drive Debian's Chromium.
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-dev-shm-usage",
      ],
    },
  },
  projects: [
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, testIgnore: /phone\.spec\.ts$/ },
    {
      // A 390 × 844 touch phone, driven through Debian's Chromium.
      name: "phone",
      testMatch: /phone\.spec\.ts$/,
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 3,
        isMobile: true,
        hasTouch: true,
        userAgent:
          "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
      },
    },
  ],
  webServer: {
    // A fresh embedded database for every run, then the real `npm start` path.
    command: `node -e "require('fs').rmSync('.data/e2e',{recursive:true,force:true})" && tsx --conditions=react-server scripts/start.ts`,
    url: `${baseURL}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      DATA_DIR: ".data/e2e",
      ANVIL_PORT: process.env.E2E_ANVIL_PORT ?? "8645",
      SEED_DEMO_DATA: "true",
      // Every spec signs its accounts up from this one address.
      SIGN_UPS_PER_ADDRESS_PER_HOUR: "1000",
      ATTEST_INTERVAL_SECONDS: "3",
      NEXT_TELEMETRY_DISABLED: "1",
      // The model provider is a stub on loopback (e2e/fixtures/openai-stub.ts).
      OPENAI_BASE_URL: `http://127.0.0.1:${stubPort}/v1`,
      OPENAI_API_KEY: "e2e-stub-key",
      OPENAI_MODELS: "stub-model",
      // Webhook receivers in the specs listen on loopback, which deliveries may reach only when allowed.
      WEBHOOK_ALLOW: "127.0.0.1",
      // The operator of e2e/operator.spec.ts, once its email is confirmed.
      OPERATOR_EMAILS: "operator@e2e.example.com",
      // Every spec's refused requests (the refusals they test) come from this one loopback
      // address: threat detection counts them against a higher bar here (lib/security/threats.test.ts tests the default).
      THREAT_REFUSED_PER_MINUTE: "2000",
    },
  },
});
