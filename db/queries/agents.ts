import { and, asc, desc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../client";
import { agents, agentVersions, executions, purchases, ratings, users } from "../schema";

const summaryColumns = {
  id: agents.id,
  slug: agents.slug,
  name: agents.name,
  description: agents.description,
  category: agents.category,
  tags: agents.tags,
  status: agents.status,
  createdAt: agents.createdAt,
  updatedAt: agents.updatedAt,
};

export async function createAgent(
  db: Db,
  params: {
    ownerId: string;
    slug: string;
    name: string;
    description: string;
    category: string;
    tags: string[];
    draftSpec?: unknown;
  },
) {
  const [row] = await db
    .insert(agents)
    .values({ ...params, draftSpec: params.draftSpec ?? {} })
    .returning(summaryColumns);
  return row!;
}

/** A creator's own agents, newest first. */
export async function listAgentsForOwner(db: Db, params: { ownerId: string; limit?: number }) {
  return db
    .select({ ...summaryColumns, currentVersion: agentVersions.version, unlistedAt: agents.unlistedAt })
    .from(agents)
    .leftJoin(agentVersions, eq(agentVersions.id, agents.currentVersionId))
    .where(eq(agents.ownerId, params.ownerId))
    .orderBy(desc(agents.updatedAt))
    .limit(Math.min(params.limit ?? 100, 500));
}

/** One agent, only for its owner. */
export async function getAgentForOwner(db: Db, params: { slug: string; ownerId: string }) {
  const [row] = await db
    .select({
      ...summaryColumns,
      draftSpec: agents.draftSpec,
      currentVersionId: agents.currentVersionId,
      listingId: agents.listingId,
      unlistedAt: agents.unlistedAt,
      unlistedReason: agents.unlistedReason,
    })
    .from(agents)
    .where(and(eq(agents.slug, params.slug), eq(agents.ownerId, params.ownerId)))
    .limit(1);
  return row;
}

/**
 * What the marketplace shows and sells: published, and not unlisted by an operator. (A run
 * of an unlisted agent is refused in start_runs, db/functions/03_start_runs.sql.)
 */
export const isListed = () => and(eq(agents.status, "published"), isNull(agents.unlistedAt));

const publishedColumns = {
  ...summaryColumns,
  creatorName: users.name,
  version: agentVersions.version,
  priceWei: agentVersions.priceWei,
  payees: agentVersions.payees,
  publishedAt: agentVersions.createdAt,
  listingId: agents.listingId,
  listingChainId: agents.listingChainId,
  unlistedAt: agents.unlistedAt,
  unlistedReason: agents.unlistedReason,
  ownerId: agents.ownerId,
};

export type MarketplaceSort = "newest" | "price_asc" | "price_desc" | "relevance" | "reputation" | "runs";

/**
 * Reputation for ranking: each rating weighs what its purchase paid, and the average is
 * shrunk towards 3 as if every agent also had 0.01 ETH worth of ratings of 3 (a Bayesian
 * average in value, not in count). Ratings cost what was paid to give them: a thousand
 * 1-wei self-purchases rated 5 weigh 1,000 wei and barely move an agent, while ten buyers
 * paying 0.01 ETH each do. The raw average and count are what the card shows.
 */
export const REPUTATION_PRIOR = { mean: 3, valueWei: "10000000000000000" } as const;

/**
 * Per agent: ratings, their raw average, the value paid for the rated purchases, the
 * value-weighted score sum and the distinct paying wallets. The one definition of rating
 * statistics; a rating whose purchase is unknown (or was reorganised away) weighs nothing.
 */
export function ratingStatsQuery(db: Db) {
  return db
    .select({
      agentId: ratings.agentId,
      count: sql<number>`count(*)::int`.as("rating_count"),
      average: sql<number>`avg(${ratings.score})::float8`.as("rating_average"),
      paid: sql<string>`coalesce(sum(${purchases.amountWei}), 0)`.as("rating_paid"),
      weighted: sql<string>`coalesce(sum(${ratings.score} * ${purchases.amountWei}), 0)`.as("rating_weighted"),
      payers: sql<number>`count(distinct ${ratings.raterAddress}) filter (where ${purchases.amountWei} > 0)::int`.as(
        "rating_payers",
      ),
    })
    .from(ratings)
    .leftJoin(
      purchases,
      and(eq(purchases.chainId, ratings.chainId), eq(purchases.onchainPurchaseId, ratings.onchainPurchaseId)),
    )
    .groupBy(ratings.agentId)
    .as("rating_stats");
}

/**
 * The public marketplace: agents with a published version, filtered by full-text search
 * (Postgres `websearch_to_tsquery` over name, description and tags, name and tags
 * weighted higher), category and price range, sorted and paged.
 */
export async function listPublishedAgents(
  db: Db,
  params: {
    q?: string;
    category?: string;
    minPriceWei?: string;
    maxPriceWei?: string;
    /** Minimum reputation (value-weighted rating, see REPUTATION_PRIOR), 1–5; agents without ratings are left out. */
    minRating?: number;
    sort?: MarketplaceSort;
    limit?: number;
    offset?: number;
  } = {},
) {
  const q = params.q?.trim();
  const document = sql`setweight(to_tsvector('english', ${agents.name}), 'A') || setweight(to_tsvector('english', array_to_string(${agents.tags}, ' ')), 'A') || setweight(to_tsvector('english', ${agents.description}), 'B')`;
  const query = q ? sql`websearch_to_tsquery('english', ${q})` : undefined;
  const rank = query ? sql<number>`ts_rank_cd(${document}, ${query})` : sql<number>`0`;
  const sort = params.sort ?? (q ? "relevance" : "newest");
  // Ratings come from indexed `Rated` events; runs are recorded non-playground executions.
  const ratingStats = ratingStatsQuery(db);
  const runStats = db
    .select({ agentId: executions.agentId, runs: sql<number>`count(*)::int`.as("run_count") })
    .from(executions)
    .where(ne(executions.source, "playground"))
    .groupBy(executions.agentId)
    .as("run_stats");
  const ratingCount = sql<number>`coalesce(${ratingStats.count}, 0)`.mapWith(Number);
  const runs = sql<number>`coalesce(${runStats.runs}, 0)`.mapWith(Number);
  const prior = sql.raw(REPUTATION_PRIOR.valueWei);
  const reputation = sql<number>`((coalesce(${ratingStats.weighted}, 0) + ${REPUTATION_PRIOR.mean} * ${prior}) / (coalesce(${ratingStats.paid}, 0) + ${prior}))::float8`;

  const order =
    sort === "reputation"
      ? [desc(reputation), desc(ratingCount), desc(agentVersions.createdAt)]
      : sort === "runs"
        ? [desc(runs), desc(agentVersions.createdAt)]
        : sort === "price_asc"
          ? [asc(agentVersions.priceWei), desc(agentVersions.createdAt)]
          : sort === "price_desc"
            ? [desc(agentVersions.priceWei), desc(agentVersions.createdAt)]
            : sort === "relevance"
              ? [desc(rank), desc(agentVersions.createdAt)]
              : [desc(agentVersions.createdAt)];
  return db
    .select({
      ...publishedColumns,
      rank,
      ratingCount,
      ratingAverage: sql<number | null>`${ratingStats.average}`.mapWith((v) => (v === null ? null : Number(v))),
      runs,
    })
    .from(agents)
    .innerJoin(agentVersions, eq(agentVersions.id, agents.currentVersionId))
    .innerJoin(users, eq(users.id, agents.ownerId))
    .leftJoin(ratingStats, eq(ratingStats.agentId, agents.id))
    .leftJoin(runStats, eq(runStats.agentId, agents.id))
    .where(
      and(
        isListed(),
        // The minimum applies to the reputation (value-weighted, shrunk): ratings that cost nothing cannot pass it.
        params.minRating !== undefined
          ? sql`${ratingStats.count} > 0 and ${reputation} >= ${params.minRating}`
          : undefined,
        params.category ? eq(agents.category, params.category) : undefined,
        params.minPriceWei ? sql`${agentVersions.priceWei} >= ${params.minPriceWei}::numeric` : undefined,
        params.maxPriceWei ? sql`${agentVersions.priceWei} <= ${params.maxPriceWei}::numeric` : undefined,
        query ? sql`${document} @@ ${query}` : undefined,
      ),
    )
    .orderBy(...order, agents.id)
    .limit(Math.min(params.limit ?? 24, 100))
    .offset(params.offset ?? 0);
}

export async function getPublishedAgentBySlug(db: Db, params: { slug: string }) {
  const [row] = await db
    .select(publishedColumns)
    .from(agents)
    .innerJoin(agentVersions, eq(agentVersions.id, agents.currentVersionId))
    .innerJoin(users, eq(users.id, agents.ownerId))
    .where(and(eq(agents.slug, params.slug), eq(agents.status, "published")))
    .limit(1);
  return row;
}

/**
 * Freezes a spec into version N+1 and makes it current. Ownership is part of the
 * UPDATE's WHERE clause; run inside a transaction so the version and the pointer move
 * together. Returns undefined when the agent is not the owner's.
 */
export async function publishAgentVersion(
  db: Db,
  params: {
    agentId: string;
    ownerId: string;
    spec: unknown;
    specHash: string;
    changelog: string;
    priceWei: string;
    payees: { address: string; shareBps: number }[];
  },
) {
  // Lock the agent row: concurrent publishes get consecutive version numbers.
  const [agent] = await db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.id, params.agentId), eq(agents.ownerId, params.ownerId)))
    .for("update")
    .limit(1);
  if (!agent) return undefined;
  const [next] = await db
    .select({ n: sql<number>`coalesce(max(${agentVersions.version}), 0)::int + 1` })
    .from(agentVersions)
    .where(eq(agentVersions.agentId, params.agentId));
  const [version] = await db
    .insert(agentVersions)
    .values({
      agentId: params.agentId,
      version: next!.n,
      spec: params.spec,
      specHash: params.specHash,
      changelog: params.changelog,
      priceWei: params.priceWei,
      payees: params.payees,
      publishedBy: params.ownerId,
    })
    .returning({ id: agentVersions.id, version: agentVersions.version });
  await db
    .update(agents)
    .set({ status: "published", currentVersionId: version!.id })
    .where(and(eq(agents.id, params.agentId), eq(agents.ownerId, params.ownerId)));
  return version!;
}

/** One agent by id, only for its owner, with its draft. */
export async function getAgentByIdForOwner(db: Db, params: { agentId: string; ownerId: string }) {
  const [row] = await db
    .select({ ...summaryColumns, draftSpec: agents.draftSpec, currentVersionId: agents.currentVersionId })
    .from(agents)
    .where(and(eq(agents.id, params.agentId), eq(agents.ownerId, params.ownerId)))
    .limit(1);
  return row;
}

/** Saves the draft's details and spec; published versions are untouched. */
export async function updateAgentDraft(
  db: Db,
  params: {
    agentId: string;
    ownerId: string;
    name: string;
    description: string;
    category: string;
    tags: string[];
    draftSpec: unknown;
  },
) {
  const { agentId, ownerId, ...values } = params;
  const [row] = await db
    .update(agents)
    .set(values)
    .where(and(eq(agents.id, agentId), eq(agents.ownerId, ownerId)))
    .returning({ id: agents.id, updatedAt: agents.updatedAt });
  return row;
}

/** An agent's versions, newest first, for its owner. */
export async function listAgentVersionsForOwner(db: Db, params: { agentId: string; ownerId: string }) {
  return db
    .select({
      id: agentVersions.id,
      version: agentVersions.version,
      changelog: agentVersions.changelog,
      priceWei: agentVersions.priceWei,
      payees: agentVersions.payees,
      spec: agentVersions.spec,
      specHash: agentVersions.specHash,
      createdAt: agentVersions.createdAt,
    })
    .from(agentVersions)
    .innerJoin(agents, eq(agents.id, agentVersions.agentId))
    .where(and(eq(agentVersions.agentId, params.agentId), eq(agents.ownerId, params.ownerId)))
    .orderBy(desc(agentVersions.version))
    .limit(500);
}

/** One version of an owner's agent, for running it in the playground. */
export async function getAgentVersionForOwner(db: Db, params: { agentId: string; versionId: string; ownerId: string }) {
  const [row] = await db
    .select({ id: agentVersions.id, version: agentVersions.version, spec: agentVersions.spec })
    .from(agentVersions)
    .innerJoin(agents, eq(agents.id, agentVersions.agentId))
    .where(
      and(
        eq(agentVersions.id, params.versionId),
        eq(agentVersions.agentId, params.agentId),
        eq(agents.ownerId, params.ownerId),
      ),
    )
    .limit(1);
  return row;
}

/** An agent's rating statistics for its page: raw average and count, value-weighted average, paying wallets. */
export async function getAgentRatingSummary(db: Db, params: { agentId: string }) {
  const stats = ratingStatsQuery(db);
  const [row] = await db
    .select({
      count: stats.count,
      payers: stats.payers,
      weightedAverage: sql<number | null>`(${stats.weighted} / nullif(${stats.paid}, 0))::float8`.mapWith((v) =>
        v === null ? null : Number(v),
      ),
      paidWei: sql<string>`${stats.paid}::text`,
    })
    .from(stats)
    .where(eq(stats.agentId, params.agentId));
  return row ?? { count: 0, payers: 0, weightedAverage: null, paidWei: "0" };
}
