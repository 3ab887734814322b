import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const id = () => uuid("id").primaryKey().defaultRandom();
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () =>
  timestamp("updated_at", { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());
/** Token amounts in the smallest unit (wei): up to 2^256, never a float. */
const wei = (name: string) => numeric(name, { precision: 78, scale: 0 });

// ── accounts ────────────────────────────────────────────────────────────────

export const users = pgTable(
  "users",
  {
    id: id(),
    /** Lower-cased. Null for accounts created by Sign-In with Ethereum. */
    email: text("email"),
    name: text("name"),
    /** scrypt hash (see lib/auth/password.ts); null for wallet-only accounts. */
    passwordHash: text("password_hash"),
    /**
     * Carried in every session token; raising it ends every session issued before
     * ("sign out everywhere", a password change).
     */
    sessionVersion: integer("session_version").notNull().default(0),
    /** When the account proved it receives mail at `email` (a link sent there was followed). */
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
    /** When the account was erased (its personal data removed; it can no longer sign in). */
    erasedAt: timestamp("erased_at", { withTimezone: true }),
    /**
     * When an operator suspended the account, and why (shown to the account): it cannot
     * sign in, its sessions end and the API keys it created are refused until restored.
     */
    suspendedAt: timestamp("suspended_at", { withTimezone: true }),
    suspendedReason: text("suspended_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email)],
);

/**
 * Single-use links sent by email (verify an address, reset a password): only the SHA-256
 * of the token is stored, with the address it was sent to; consumed by one conditional UPDATE.
 */
export const emailTokens = pgTable(
  "email_tokens",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose").$type<"verify_email" | "reset_password">().notNull(),
    tokenHash: text("token_hash").notNull(),
    email: text("email").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("email_tokens_token_hash_key").on(t.tokenHash), index("email_tokens_user_id_idx").on(t.userId)],
);

export const wallets = pgTable(
  "wallets",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Lower-cased 0x address; one account per address. */
    address: text("address").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("wallets_address_key").on(t.address),
    index("wallets_user_id_idx").on(t.userId),
    check("wallets_address_format", sql`${t.address} ~ '^0x[0-9a-f]{40}$'`),
  ],
);

/** Single-use Sign-In with Ethereum nonces. */
export const siweNonces = pgTable(
  "siwe_nonces",
  {
    nonce: text("nonce").primaryKey(),
    /** SHA-256 of the secret in the requesting browser's cookie: only that browser can use the nonce. */
    bindingHash: text("binding_hash"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("siwe_nonces_expires_at_idx").on(t.expiresAt)],
);

/**
 * Throttles for sign-in, sign-up and nonces (lib/auth/throttle.ts), shared by every app
 * instance: events counted per key (an account or a client address) in a window, and
 * `blocked_until` once the key has used its allowance.
 */
export const authThrottles = pgTable(
  "auth_throttles",
  {
    key: text("key").primaryKey(),
    count: integer("count").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    blockedUntil: timestamp("blocked_until", { withTimezone: true }),
  },
  (t) => [index("auth_throttles_window_start_idx").on(t.windowStart)],
);

// ── organisations ───────────────────────────────────────────────────────────

/** Roles in an organisation (lib/auth/permissions.ts says what each may do). */
export const orgRoles = ["owner", "admin", "developer", "billing", "viewer"] as const;
const orgRole = () => text("role", { enum: orgRoles }).notNull().default("viewer");
const orgRoleCheck = (table: string, column: AnyPgColumn) =>
  check(`${table}_role_check`, sql`${column} in ('owner', 'admin', 'developer', 'billing', 'viewer')`);

export const organizations = pgTable(
  "organizations",
  {
    id: id(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("organizations_slug_key").on(t.slug), index("organizations_created_by_idx").on(t.createdBy)],
);

export const memberships = pgTable(
  "memberships",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: orgRole(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    index("memberships_user_id_idx").on(t.userId),
    orgRoleCheck("memberships", t.role),
  ],
);

export const invitations = pgTable(
  "invitations",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: orgRole(),
    /** SHA-256 of the token in the invitation link; the token itself is never stored. */
    tokenHash: text("token_hash").notNull(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedBy: uuid("accepted_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    index("invitations_org_id_idx").on(t.orgId),
    index("invitations_email_idx").on(t.email),
    index("invitations_invited_by_idx").on(t.invitedBy),
    index("invitations_accepted_by_idx").on(t.acceptedBy),
    orgRoleCheck("invitations", t.role),
  ],
);

// ── agents ──────────────────────────────────────────────────────────────────

export const agentStatus = pgEnum("agent_status", ["draft", "published", "archived"]);

export const agents = pgTable(
  "agents",
  {
    id: id(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    category: text("category").notNull(),
    tags: text("tags")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    status: agentStatus("status").notNull().default("draft"),
    /** The editable draft spec; publishing freezes it into agent_versions. */
    draftSpec: jsonb("draft_spec").notNull().default({}),
    /** The AgentMarketplace listing id and chain, once the listing is registered on-chain. */
    listingId: wei("listing_id"),
    listingChainId: integer("listing_chain_id"),
    /** The newest published version, if any. */
    currentVersionId: uuid("current_version_id").references((): AnyPgColumn => agentVersions.id, {
      onDelete: "set null",
    }),
    /**
     * When an operator unlisted the agent, and why (shown to its creator): hidden from the
     * marketplace, its API runs refused (problem `agent-unlisted`) until it is listed again.
     */
    unlistedAt: timestamp("unlisted_at", { withTimezone: true }),
    unlistedReason: text("unlisted_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("agents_slug_key").on(t.slug),
    index("agents_owner_id_idx").on(t.ownerId),
    index("agents_status_idx").on(t.status),
    index("agents_category_idx").on(t.category),
    index("agents_current_version_id_idx").on(t.currentVersionId),
    uniqueIndex("agents_listing_key").on(t.listingChainId, t.listingId),
  ],
);

export const agentVersions = pgTable(
  "agent_versions",
  {
    id: id(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** The frozen spec; never updated after insert. */
    spec: jsonb("spec").notNull(),
    /** SHA-256 of the canonical spec, for receipts and change detection. */
    specHash: text("spec_hash").notNull(),
    changelog: text("changelog").notNull().default(""),
    priceWei: wei("price_wei").notNull().default("0"),
    /** [{ address, shareBps }] summing to 10,000. */
    payees: jsonb("payees").notNull().default([]),
    publishedBy: uuid("published_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("agent_versions_agent_id_version_key").on(t.agentId, t.version),
    index("agent_versions_published_by_idx").on(t.publishedBy),
    check("agent_versions_version_positive", sql`${t.version} > 0`),
    check("agent_versions_price_non_negative", sql`${t.priceWei} >= 0`),
  ],
);

// ── knowledge ───────────────────────────────────────────────────────────────

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

export const knowledgeFormat = pgEnum("knowledge_format", ["text", "markdown", "csv", "json"]);

/**
 * Documents a creator attaches to an agent. Immutable once added: published versions
 * keep the ids they were published with, and a removed document is only hidden from
 * the draft (deleted_at) while a version still refers to it.
 */
export const knowledgeDocuments = pgTable(
  "knowledge_documents",
  {
    id: id(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    format: knowledgeFormat("format").notNull(),
    bytes: integer("bytes").notNull(),
    chunkCount: integer("chunk_count").notNull(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("knowledge_documents_agent_id_idx").on(t.agentId)],
);

export const knowledgeChunks = pgTable(
  "knowledge_chunks",
  {
    id: id(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => knowledgeDocuments.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    ordinal: integer("ordinal").notNull(),
    content: text("content").notNull(),
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('english', "content")`),
  },
  (t) => [
    index("knowledge_chunks_document_id_idx").on(t.documentId),
    index("knowledge_chunks_agent_id_idx").on(t.agentId),
    index("knowledge_chunks_search_idx").using("gin", t.search),
  ],
);

// ── money ───────────────────────────────────────────────────────────────────

/**
 * Where an indexed chain event was seen: its log (chain, transaction, position) and its
 * block; a different hash for the block later means a reorganisation removed it.
 */
const chainLog = () => ({
  chainId: integer("chain_id").notNull(),
  txHash: text("tx_hash").notNull(),
  logIndex: integer("log_index").notNull(),
  blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
  blockHash: text("block_hash"),
});

/** One row per indexed `Purchased` event. */
export const purchases = pgTable(
  "purchases",
  {
    id: id(),
    ...chainLog(),
    /** purchaseId emitted by the contract. */
    onchainPurchaseId: wei("onchain_purchase_id").notNull(),
    listingId: wei("listing_id").notNull(),
    agentId: uuid("agent_id").references(() => agents.id, { onDelete: "set null" }),
    orgId: uuid("org_id").references(() => organizations.id, { onDelete: "set null" }),
    buyerAddress: text("buyer_address").notNull(),
    /** 64-bit: the contract sells up to 2^32 - 1 runs in one purchase. */
    runs: bigint("runs", { mode: "number" }).notNull(),
    amountWei: wei("amount_wei").notNull(),
    /** 0x0000…0000 for the native token. */
    token: text("token").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // Indexing the same event twice must not grant credits twice.
    uniqueIndex("purchases_chain_tx_log_key").on(t.chainId, t.txHash, t.logIndex),
    index("purchases_agent_id_idx").on(t.agentId),
    index("purchases_org_id_idx").on(t.orgId),
    index("purchases_buyer_address_idx").on(t.buyerAddress),
    check("purchases_runs_positive", sql`${t.runs} > 0`),
  ],
);

/**
 * Chain events the indexer could not apply, with the reason: kept for the operator
 * (GET /api/health counts them) while the cursor moves on, so one bad event never
 * stops every later purchase and rating from being indexed.
 */
export const chainEventQuarantine = pgTable(
  "chain_event_quarantine",
  {
    id: id(),
    chainId: integer("chain_id").notNull(),
    contractAddress: text("contract_address").notNull(),
    eventName: text("event_name").notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    /** The event's arguments (numbers as decimal strings). */
    args: jsonb("args").notNull(),
    reason: text("reason").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("chain_event_quarantine_event_key").on(t.chainId, t.txHash, t.logIndex)],
);

/** How far the event indexer has read, per chain and contract. */
export const chainCursors = pgTable(
  "chain_cursors",
  {
    chainId: integer("chain_id").notNull(),
    contractAddress: text("contract_address").notNull(),
    /** The last block whose events are fully recorded. */
    lastBlock: bigint("last_block", { mode: "bigint" }).notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.chainId, t.contractAddress] })],
);

/** Run credits an organisation holds for an agent. */
export const credits = pgTable(
  "credits",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    purchaseId: uuid("purchase_id").references(() => purchases.id, { onDelete: "set null" }),
    granted: bigint("granted", { mode: "number" }).notNull(),
    used: bigint("used", { mode: "number" }).notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("credits_org_agent_idx").on(t.orgId, t.agentId),
    index("credits_agent_id_idx").on(t.agentId),
    uniqueIndex("credits_purchase_id_key").on(t.purchaseId),
    check("credits_used_within_granted", sql`${t.used} >= 0 and ${t.used} <= ${t.granted}`),
  ],
);

/**
 * On-chain ratings (`AgentReputation.Rated`), indexed so search can rank and filter by
 * reputation. The optional review text is added by the rater's signed-in account after
 * the server has read the rating from the chain.
 */
export const ratings = pgTable(
  "ratings",
  {
    id: id(),
    ...chainLog(),
    listingId: wei("listing_id").notNull(),
    onchainPurchaseId: wei("onchain_purchase_id").notNull(),
    agentId: uuid("agent_id").references(() => agents.id, { onDelete: "set null" }),
    raterAddress: text("rater_address").notNull(),
    score: integer("score").notNull(),
    review: text("review"),
    reviewerUserId: uuid("reviewer_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("ratings_chain_tx_log_key").on(t.chainId, t.txHash, t.logIndex),
    // The contract accepts one rating per purchase; the table agrees.
    uniqueIndex("ratings_chain_purchase_key").on(t.chainId, t.onchainPurchaseId),
    index("ratings_agent_id_idx").on(t.agentId),
    index("ratings_reviewer_user_id_idx").on(t.reviewerUserId),
    check("ratings_score_range", sql`${t.score} between 1 and 5`),
    check("ratings_review_length", sql`${t.review} is null or char_length(${t.review}) <= 1000`),
  ],
);

/**
 * `Withdrawn` events of the marketplace: what each payee wallet took out, per token. The
 * creator dashboard sets them beside the claimable balance; a reorganisation takes them back
 * like purchases and ratings.
 */
export const withdrawals = pgTable(
  "withdrawals",
  {
    id: id(),
    ...chainLog(),
    /** Lower-case addresses. */
    account: text("account").notNull(),
    token: text("token").notNull(),
    amountWei: wei("amount_wei").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("withdrawals_chain_tx_log_key").on(t.chainId, t.txHash, t.logIndex),
    index("withdrawals_account_idx").on(t.account),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The visible start of the key, for recognising it in lists. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the secret; the secret is shown once and never stored. */
    keyHash: text("key_hash").notNull(),
    /** Agents this key may run; empty means none. */
    agentIds: uuid("agent_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    rateLimitPerMinute: integer("rate_limit_per_minute").notNull().default(60),
    monthlyRunCap: integer("monthly_run_cap"),
    pinnedVersionId: uuid("pinned_version_id").references(() => agentVersions.id, {
      onDelete: "set null",
    }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("api_keys_key_hash_key").on(t.keyHash),
    index("api_keys_org_id_idx").on(t.orgId),
    index("api_keys_pinned_version_id_idx").on(t.pinnedVersionId),
    index("api_keys_created_by_idx").on(t.createdBy),
  ],
);

/**
 * Requests per API key per one-minute window, shared by every app instance. Old windows
 * are deleted as new ones open.
 */
export const rateLimitWindows = pgTable(
  "rate_limit_windows",
  {
    apiKeyId: uuid("api_key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.windowStart] })],
);

// ── executions ──────────────────────────────────────────────────────────────

export const executionStatus = pgEnum("execution_status", ["running", "succeeded", "failed", "timed_out"]);
export const executionSource = pgEnum("execution_source", ["playground", "api", "demo"]);

export const executions = pgTable(
  "executions",
  {
    id: id(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    /** Null for a playground run of the draft. */
    versionId: uuid("version_id").references(() => agentVersions.id, { onDelete: "set null" }),
    source: executionSource("source").notNull(),
    /** Who started it: a user (playground) or an organisation's API key. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    orgId: uuid("org_id").references(() => organizations.id, { onDelete: "set null" }),
    apiKeyId: uuid("api_key_id").references(() => apiKeys.id, { onDelete: "set null" }),
    creditId: uuid("credit_id").references(() => credits.id, { onDelete: "set null" }),
    idempotencyKey: text("idempotency_key"),
    /** SHA-256 of the request body that came with the idempotency key. */
    requestHash: text("request_hash"),
    status: executionStatus("status").notNull().default("running"),
    /**
     * Accepted asynchronously (Prefer: respond-async) and waiting for a worker: `running`
     * (its credit taken, the reaper's deadline covering the wait) but not started; the API
     * shows it as `queued`. A worker claims it by clearing this (lib/queue/run-worker.ts).
     */
    queued: boolean("queued").notNull().default(false),
    /** The id of the API request that started it (X-Request-Id, and the request's log line). */
    requestId: text("request_id"),
    /** Its organisation asked to stop it while it ran: the worker running it stops it (lib/queue/run-worker.ts). */
    cancelRequestedAt: timestamp("cancel_requested_at", { withTimezone: true }),
    input: jsonb("input"),
    inputHash: text("input_hash"),
    output: jsonb("output"),
    outputHash: text("output_hash"),
    /** Model turns, tool calls and logs, in order. */
    steps: jsonb("steps").notNull().default([]),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    tokensIn: integer("tokens_in").notNull().default(0),
    tokensOut: integer("tokens_out").notNull().default(0),
    durationMs: integer("duration_ms"),
    costWei: wei("cost_wei").notNull().default("0"),
    /** The run credit went back to the organisation because the platform failed (not the agent). */
    creditRefunded: boolean("credit_refunded").notNull().default(false),
    receiptHash: text("receipt_hash"),
    /** The attestation batch holding this receipt, and its leaf position in the batch's Merkle tree. */
    receiptBatchId: uuid("receipt_batch_id").references((): AnyPgColumn => receiptBatches.id, { onDelete: "set null" }),
    receiptLeafIndex: integer("receipt_leaf_index"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * When a run still `running` must have ended (its timeout, the longest wait for a
     * sandbox, and a margin): past it, its process died, and the reaper ends it as failed.
     */
    deadlineAt: timestamp("deadline_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("executions_agent_created_idx").on(t.agentId, t.createdAt),
    // Playground quotas count a user's recent playground runs; API runs stay out of it.
    index("executions_user_created_idx")
      .on(t.userId, t.createdAt)
      .where(sql`${t.source} = 'playground'`),
    // The reaper's look-up of runs left running past their deadline; only running rows are in it.
    index("executions_running_deadline_idx")
      .on(t.deadlineAt)
      .where(sql`${t.status} = 'running'`),
    index("executions_org_created_idx").on(t.orgId, t.createdAt),
    // Monthly caps count a key's runs this month.
    index("executions_api_key_created_idx").on(t.apiKeyId, t.createdAt),
    index("executions_receipt_batch_idx").on(t.receiptBatchId, t.receiptLeafIndex),
    uniqueIndex("executions_org_idempotency_key")
      .on(t.orgId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
  ],
);

/**
 * What a run's API client may follow as server-sent events (GET /api/v1/runs/{id}/events):
 * `seq` orders them per execution and is the event id a reconnecting client sends back as
 * Last-Event-ID. Written by lib/metering/run-events.ts; kept a day.
 */
export const runEvents = pgTable(
  "run_events",
  {
    executionId: uuid("execution_id")
      .notNull()
      .references(() => executions.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    data: jsonb("data").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.executionId, t.seq] }), index("run_events_created_idx").on(t.createdAt)],
);

/**
 * A batch of one agent's execution receipts whose Merkle root the platform attests on
 * AgentReputation, with the batch's run statistics. `txHash` is set once the attestation
 * is confirmed on-chain.
 */
export const receiptBatches = pgTable(
  "receipt_batches",
  {
    id: id(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    chainId: integer("chain_id").notNull(),
    /** The AgentReputation contract the root is (to be) attested on. */
    contractAddress: text("contract_address").notNull(),
    listingId: wei("listing_id").notNull(),
    root: text("root").notNull(),
    runs: integer("runs").notNull(),
    successes: integer("successes").notNull(),
    p50LatencyMs: integer("p50_latency_ms").notNull(),
    p99LatencyMs: integer("p99_latency_ms").notNull(),
    txHash: text("tx_hash"),
    attestedAt: timestamp("attested_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("receipt_batches_chain_listing_root_key").on(t.chainId, t.listingId, t.root),
    index("receipt_batches_agent_id_idx").on(t.agentId),
    index("receipt_batches_pending_idx").on(t.attestedAt),
  ],
);

// ── audit ───────────────────────────────────────────────────────────────────

export const auditLog = pgTable(
  "audit_log",
  {
    id: id(),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    orgId: uuid("org_id").references(() => organizations.id, { onDelete: "cascade" }),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    metadata: jsonb("metadata").notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_log_org_created_idx").on(t.orgId, t.createdAt),
    index("audit_log_actor_user_id_idx").on(t.actorUserId),
    index("audit_log_target_idx").on(t.targetType, t.targetId),
    // The platform trail (operators): newest first across everyone.
    index("audit_log_created_idx").on(t.createdAt),
  ],
);

export type User = typeof users.$inferSelect;
export type Organization = typeof organizations.$inferSelect;
export type Agent = typeof agents.$inferSelect;
export type AgentVersion = typeof agentVersions.$inferSelect;
export type Execution = typeof executions.$inferSelect;
export type MembershipRole = (typeof orgRoles)[number];

/** What the run rollups count per key: runs by how they ended, credits kept, time and tokens. */
const runCounts = () => ({
  runs: integer("runs").notNull(),
  succeeded: integer("succeeded").notNull(),
  failed: integer("failed").notNull(),
  timedOut: integer("timed_out").notNull(),
  /** Runs that spent a credit and kept it (not refunded). */
  creditsUsed: integer("credits_used").notNull(),
  durationMsSum: bigint("duration_ms_sum", { mode: "number" }).notNull(),
  tokensIn: bigint("tokens_in", { mode: "number" }).notNull(),
  tokensOut: bigint("tokens_out", { mode: "number" }).notNull(),
});

/**
 * Run rollups: what the dashboards read instead of scanning executions. One row per agent,
 * version, buying organisation, API key and UTC hour (of the run's end) for every run that
 * is not a playground run, kept current from the runs finish_runs queues (run_rollup_queue,
 * rolled up every second), and rebuilt exactly from executions by `npm run rollups:rebuild`. A missing version,
 * organisation or key is the zero UUID (they are part of the key). Rows are derived: only the
 * agent is a foreign key (its rows go with it).
 */
export const runRollups = pgTable(
  "run_rollups",
  {
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    versionId: uuid("version_id").notNull(),
    orgId: uuid("org_id").notNull(),
    apiKeyId: uuid("api_key_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    ...runCounts(),
  },
  (t) => [
    primaryKey({ columns: [t.agentId, t.hour, t.versionId, t.orgId, t.apiKeyId] }),
    index("run_rollups_org_hour_idx").on(t.orgId, t.hour),
  ],
);

/**
 * run_rollups summed over organisations and keys: per agent, version and hour. What a
 * creator's charts and an agent's page read (a creator's runs, whoever bought them), a
 * fraction of run_rollups' rows when many organisations use an agent.
 */
export const agentRunRollups = pgTable(
  "agent_run_rollups",
  {
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    versionId: uuid("version_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    ...runCounts(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.hour, t.versionId] })],
);

/** Failed and timed-out runs per error code, on the same key as run_rollups (without the API key). */
export const runErrorRollups = pgTable(
  "run_error_rollups",
  {
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    versionId: uuid("version_id").notNull(),
    orgId: uuid("org_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    errorCode: text("error_code").notNull(),
    runs: integer("runs").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.agentId, t.hour, t.versionId, t.orgId, t.errorCode] }),
    index("run_error_rollups_org_hour_idx").on(t.orgId, t.hour),
  ],
);

/**
 * How many runs took each whole number of milliseconds, on the same key (without the API
 * key): percentiles over any range are exact, and a busy hour holds one row per distinct
 * latency rather than one per run.
 */
export const runLatencyRollups = pgTable(
  "run_latency_rollups",
  {
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    versionId: uuid("version_id").notNull(),
    orgId: uuid("org_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    latencyMs: integer("latency_ms").notNull(),
    runs: integer("runs").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.agentId, t.hour, t.versionId, t.orgId, t.latencyMs] }),
    index("run_latency_rollups_org_hour_idx").on(t.orgId, t.hour),
  ],
);

/**
 * run_latency_rollups summed over organisations, one row per agent, version and hour: the
 * hour's distinct latencies ascending with how many runs took each. What a creator's and
 * an agent's latency charts read: one row per agent-hour instead of about one per run,
 * still exact, and a busy hour stays as small as its distinct latencies.
 */
export const agentLatencyRollups = pgTable(
  "agent_latency_rollups",
  {
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    versionId: uuid("version_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    latencyMs: integer("latency_ms").array().notNull(),
    runs: integer("runs").array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.hour, t.versionId] })],
);

/**
 * Finished runs waiting to be added to the rollups: finish_runs queues each ended run here
 * (one narrow row) and the roll-up pass (lib/dashboards/roller.ts) moves them into the
 * rollups every second, many at a time, so the run path pays one insert, not three upserts.
 */
export const runRollupQueue = pgTable("run_rollup_queue", {
  executionId: uuid("execution_id").primaryKey(),
});

// ── webhooks ────────────────────────────────────────────────────────────────

/** The events an organisation's webhook endpoints can subscribe to (lib/webhooks/events.ts describes them). */
export const webhookEventTypes = ["run.succeeded", "run.failed", "purchase.confirmed", "credits.low"] as const;

/**
 * An organisation's webhook endpoint: where its chosen events are POSTed, signed with
 * `secret` (and, for a day after a rotation, `previousSecret` too: Standard Webhooks'
 * several signatures). Disabled by its owners, or by the endpoint answering 410 Gone.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    events: text("events").array().notNull(),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    disabledReason: text("disabled_reason"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("webhook_endpoints_org_idx").on(t.orgId)],
);

/**
 * One event for one endpoint (its id is the `webhook-id` every attempt carries, so a
 * receiver deduplicates). Written in the transaction of the change it reports (webhook_fan_out
 * in db/functions); `pending` until delivered, given up (`failed`) or dropped because its
 * endpoint was disabled (`cancelled`). `sentAt`: when a queue job for its next attempt was
 * sent; `claimedUntil`: an attempt is in progress until then.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    orgId: uuid("org_id").notNull(),
    eventType: text("event_type").notNull(),
    payload: jsonb("payload").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed", "cancelled"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("webhook_deliveries_endpoint_created_idx").on(t.endpointId, t.createdAt),
    index("webhook_deliveries_pending_idx")
      .on(t.nextAttemptAt)
      .where(sql`status = 'pending'`),
    index("webhook_deliveries_created_idx").on(t.createdAt),
  ],
);

/** One attempt to deliver a webhook: its HTTP status (null when no answer came), time taken and error. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: id(),
    deliveryId: uuid("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attemptedAt: timestamp("attempted_at", { withTimezone: true }).notNull(),
    statusCode: integer("status_code"),
    durationMs: integer("duration_ms").notNull(),
    error: text("error"),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attemptedAt)],
);

// ── data rights ─────────────────────────────────────────────────────────────

/**
 * An export of the data held about an account (GDPR), built in the background
 * (lib/data/export.ts) and downloadable once by its owner: the archive is removed when it
 * is taken. One may be asked for per day.
 */
export const dataExports = pgTable(
  "data_exports",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Set for an organisation's export (asked for by an owner, `userId`); null for an account's own. */
    orgId: uuid("org_id").references(() => organizations.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["queued", "building", "ready", "downloaded", "failed"] })
      .notNull()
      .default("queued"),
    archive: bytea("archive"),
    sizeBytes: integer("size_bytes"),
    error: text("error"),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    readyAt: timestamp("ready_at", { withTimezone: true }),
    downloadedAt: timestamp("downloaded_at", { withTimezone: true }),
  },
  (t) => [index("data_exports_user_requested_idx").on(t.userId, t.requestedAt)],
);

/**
 * Accounts erased (GDPR), by id only: kept so an erasure survives in this database, and
 * mirrored to the erasure log (ERASURE_LOG) so that it can be applied again after an older
 * backup is restored (`npm run erasures:reapply`).
 */
export const erasures = pgTable("erasures", {
  userId: uuid("user_id").primaryKey(),
  erasedAt: timestamp("erased_at", { withTimezone: true }).notNull(),
});

// ── operators ───────────────────────────────────────────────────────────────

export const abuseReasons = ["malicious", "misleading", "illegal", "spam", "other"] as const;

/**
 * Reports that signed-in users file from an agent's page, for the platform's operators
 * (the operator console): one open report per reporter and agent.
 */
export const abuseReports = pgTable(
  "abuse_reports",
  {
    id: id(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    reporterId: uuid("reporter_id").references(() => users.id, { onDelete: "set null" }),
    reason: text("reason", { enum: abuseReasons }).notNull(),
    details: text("details").notNull().default(""),
    status: text("status", { enum: ["open", "resolved", "dismissed"] })
      .notNull()
      .default("open"),
    resolvedBy: uuid("resolved_by").references(() => users.id, { onDelete: "set null" }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("abuse_reports_status_created_idx").on(t.status, t.createdAt),
    index("abuse_reports_agent_idx").on(t.agentId),
    index("abuse_reports_reporter_idx").on(t.reporterId),
    uniqueIndex("abuse_reports_open_key")
      .on(t.agentId, t.reporterId)
      .where(sql`status = 'open'`),
  ],
);

/**
 * Request sources (a client address, `ip:…`, or an API key, `key:…`) blocked for a
 * cooling-off period by threat detection (lib/security/threats.ts): every app instance
 * answers them 429 until `blocked_until`.
 */
export const requestBlocks = pgTable(
  "request_blocks",
  {
    source: text("source").primaryKey(),
    reason: text("reason").notNull(),
    /** What was counted when the block began (kind, count, window). */
    evidence: jsonb("evidence").notNull().default({}),
    blockedUntil: timestamp("blocked_until", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("request_blocks_until_idx").on(t.blockedUntil)],
);
