import "server-only";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The application's configuration, validated once. This is the only module that reads
 * `process.env`; everything else imports `env`.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /**
   * Seconds an idle keep-alive connection stays open. Longer than the idle timeouts of
   * common load balancers (60 s) and client pools, so the server never closes a connection
   * at the moment a client reuses it (which the client sees as ECONNRESET).
   */
  KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(65),
  /** Postgres connection string. Unset: the embedded PGlite database under DATA_DIR. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Where embedded state lives (PGlite files, generated secrets, local chain). */
  DATA_DIR: z.string().min(1).default(".data"),
  /** Secret for session tokens. Unset: generated once and kept in DATA_DIR. */
  AUTH_SECRET: z.string().min(32).optional(),
  /**
   * Public URL of the app (its origin): Sign-In with Ethereum messages must name its host,
   * redirects and same-origin checks use it. Unset: the local addresses on PORT.
   */
  APP_URL: z.url().optional(),
  /**
   * How many proxies of ours stand in front of the app, each appending to X-Forwarded-For
   * (read by lib/platform/client-address-hook.mjs). 0: the socket's peer is the client.
   */
  TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  /** EVM chain id that Sign-In with Ethereum messages must name. */
  CHAIN_ID: z.coerce.number().int().positive().default(31337),
  /** OpenAI-compatible endpoint: OpenAI itself, or Ollama, vLLM, llama.cpp server via the base URL. */
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  /** Comma-separated model ids offered in the studio's model picker. */
  OPENAI_MODELS: z.string().default("gpt-4o-mini,gpt-4o"),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  ANTHROPIC_MODELS: z.string().default("claude-sonnet-4-5,claude-haiku-4-5"),
  /** Allow agents to use any model id of a configured provider, not only the ones listed in OPENAI_MODELS / ANTHROPIC_MODELS. */
  MODEL_ALLOW_ANY: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** Worker threads kept warm for the code sandbox. */
  SANDBOX_WORKERS: z.coerce.number().int().min(1).max(64).default(2),
  /** Log every public API request as one JSON line (request id, route, status, duration, organisation, key); 5xx answers are always logged. */
  API_ACCESS_LOG: z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((v) => v === "true" || v === "1"),
  /** `json`: the server's log lines are JSON objects ({ time, level, component, message }); `text`: plain lines. */
  LOG_FORMAT: z.enum(["text", "json"]).default("text"),
  /** Bearer token a Prometheus scraper presents to GET /api/metrics; unset, only loopback clients may read it. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Queue workers for runs accepted asynchronously, in each `npm start` process (0: none, for `npm run worker` processes). */
  RUN_WORKERS: z.coerce.number().int().min(0).max(64).default(2),
  /** Webhook delivery workers in each `npm start` process and each `npm run worker` (0: none here). */
  WEBHOOK_WORKERS: z.coerce.number().int().min(0).max(64).default(2),
  /** Hosts or CIDR ranges webhook endpoints may point at even though they are private (comma-separated), e.g. 127.0.0.1 in development. */
  WEBHOOK_ALLOW: z.string().default(""),
  /**
   * Where erasures are also written (one JSON line each), to be applied again after a database
   * backup older than them is restored (`npm run erasures:reapply`). Keep it on storage that is
   * not restored with the database. Default: DATA_DIR/erasures.log.
   */
  ERASURE_LOG: z.string().optional(),
  /**
   * The platform's operators (the operator console, /operator): accounts with one of these
   * emails, once verified, or with one of these wallets linked (comma-separated).
   */
  OPERATOR_EMAILS: z.string().default(""),
  OPERATOR_WALLETS: z.string().default(""),
  /**
   * Key of the AgentMarketplace owner, with which the operator console sets the platform fee.
   * With the local chain of `npm start` it defaults to the deployer (anvil's public test key #0).
   */
  MARKETPLACE_OWNER_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex key")
    .optional(),
  /**
   * Threat detection (lib/security/threats.ts): per client address or API key and minute,
   * refused requests (401, 403, 404, 422, 429), failed sign-ins and scanner probes (paths
   * such as /.env or /wp-login.php) past which the source is blocked for THREAT_BLOCK_SECONDS.
   * THREAT_ALLOW lists addresses never blocked (comma-separated), e.g. a monitoring host.
   */
  THREAT_REFUSED_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  THREAT_FAILED_SIGN_INS_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  THREAT_PROBES_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  THREAT_BLOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  THREAT_ALLOW: z.string().default(""),
  /** Playground quotas per user: runs going at once, runs started per minute, model tokens per 24 hours. */
  PLAYGROUND_CONCURRENT_RUNS: z.coerce.number().int().min(1).default(2),
  PLAYGROUND_RUNS_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  PLAYGROUND_TOKENS_PER_DAY: z.coerce.number().int().min(0).default(200_000),
  /**
   * Outgoing mail (verification and password-reset links), e.g. smtps://user:pass@smtp.example.com.
   * Unset: mail is kept as .eml files in DATA_DIR/outbox (the README says where to look).
   */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  /** The sender of that mail. */
  MAIL_FROM: z.string().min(3).default("AI Nomads <no-reply@localhost>"),
  /** Accounts one client address may create per hour (sign-up throttle). */
  SIGN_UPS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(10),
  /** Hosts or CIDR ranges that http_fetch may reach even though they are private (comma-separated). */
  HTTP_FETCH_ALLOW: z.string().default(""),
  /** EVM JSON-RPC endpoint. Unset: `npm start` runs a local anvil chain and deploys the contracts. */
  CHAIN_RPC_URL: z.url().optional(),
  /** RPC URL given to browsers for reads, when CHAIN_RPC_URL holds a private key or host. */
  CHAIN_PUBLIC_RPC_URL: z.url().optional(),
  MARKETPLACE_ADDRESS: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/)
    .optional(),
  REPUTATION_ADDRESS: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/)
    .optional(),
  /**
   * Key holding AgentReputation's ATTESTER_ROLE, used to post receipt batches. With the
   * local chain of `npm start` it defaults to the deployer (anvil's public test key #0).
   */
  ATTESTER_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex key")
    .optional(),
  /** Seconds between receipt attestation passes under `npm start` (0 turns the timer off). */
  ATTEST_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  /**
   * Blocks that must follow a block before its purchases and ratings count (the indexer and
   * confirming a purchase). Unset: 12 on a configured chain, 0 on the local one.
   */
  CHAIN_CONFIRMATIONS: z.coerce.number().int().min(0).max(1000).optional(),
  /** First block the indexer reads (the deployment block). */
  CHAIN_START_BLOCK: z.coerce.bigint().nonnegative().default(0n),
  /** Port of the local anvil chain started by `npm start`. */
  ANVIL_PORT: z.coerce.number().int().min(1).max(65535).default(8545),
  /** thirdweb client id; only needed for thirdweb's hosted services, which the server does not use. */
  THIRDWEB_CLIENT_ID: z.string().min(1).default("ai-nomads-self-hosted"),
  /**
   * Seed demo agents, their creator and (on the local chain) demo purchases on first start.
   * Unset: only on the embedded default (PGlite, local chain), never against a configured
   * database or chain, where the demo accounts' well-known keys would let anyone in.
   */
  SEED_DEMO_DATA: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true" || v === "1")),
});

export type Env = Omit<z.infer<typeof schema>, "SEED_DEMO_DATA"> & { SEED_DEMO_DATA: boolean };

export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty value (`FOO=` in a .env file) means unset.
  const result = schema
    .refine((e) => !e.CHAIN_RPC_URL || e.CHAIN_PUBLIC_RPC_URL, {
      path: ["CHAIN_PUBLIC_RPC_URL"],
      message:
        "required when CHAIN_RPC_URL is set: CHAIN_RPC_URL may carry a provider key and never goes to browsers; set CHAIN_PUBLIC_RPC_URL to the URL browsers may use (the same one if it holds no secret)",
    })
    .safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== "")));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const data = result.data;
  return { ...data, SEED_DEMO_DATA: data.SEED_DEMO_DATA ?? (!data.DATABASE_URL && !data.CHAIN_RPC_URL) };
}

export const env: Env = parseEnv(process.env);

/** Absolute path of the data directory, created on first use. */
export function dataDir(): string {
  const dir = path.resolve(env.DATA_DIR);
  mkdirSync(dir, { recursive: true });
  return dir;
}

let cachedSecret: string | undefined;

/**
 * The session secret: AUTH_SECRET when set, otherwise a random secret generated on the
 * first start and kept (mode 0600) in the data directory, so sessions survive restarts
 * without a secret ever being committed.
 */
export function authSecret(): string {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  if (cachedSecret) return cachedSecret;
  const file = path.join(dataDir(), "auth-secret");
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another process created it first; read theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  cachedSecret = readFileSync(file, "utf8").trim();
  return cachedSecret;
}
