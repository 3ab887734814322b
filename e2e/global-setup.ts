import { startOpenAiStub } from "./fixtures/openai-stub";

export const STUB_PORT = Number(process.env.E2E_STUB_PORT ?? 3199);

/** Starts the loopback model stub the app is configured to use (see playwright.config.ts). */
export default async function globalSetup() {
  const server = await startOpenAiStub(STUB_PORT);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
