import { and, count, desc, eq, gt, ilike, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { abuseReports, agents, chainCursors, chainEventQuarantine, requestBlocks, users } from "../schema";
import { isUuid } from "@/lib/platform/uuid";
import { escapeLike } from "./like";

/**
 * What the platform's operators read and change (the operator console, /operator). Every
 * change here is called with its audit entry in the same transaction (lib/actions/operator/).
 */

/** Rows one of whose `columns` contains the query (case-insensitive), or whose `id` it is. */
const matching = (query: string, columns: AnyPgColumn[], id: AnyPgColumn) =>
  or(...columns.map((column) => ilike(column, `%${escapeLike(query)}%`)), isUuid(query) ? eq(id, query) : undefined);

// ── agents ──────────────────────────────────────────────────────────────────

/** Agents by slug, name or id (at most 20), with their owner and open reports. */
export async function findAgentsForOperator(db: Db, params: { query: string }) {
  const query = params.query.trim();
  const openReports = sql<number>`(select count(*) from ${abuseReports} r where r.agent_id = ${agents.id} and r.status = 'open')::int`;
  return db
    .select({
      id: agents.id,
      slug: agents.slug,
      name: agents.name,
      status: agents.status,
      unlistedAt: agents.unlistedAt,
      unlistedReason: agents.unlistedReason,
      listingId: agents.listingId,
      ownerId: agents.ownerId,
      ownerEmail: users.email,
      ownerName: users.name,
      openReports,
    })
    .from(agents)
    .innerJoin(users, eq(users.id, agents.ownerId))
    .where(query ? matching(query, [agents.slug, agents.name], agents.id) : isNotNull(agents.unlistedAt))
    .orderBy(desc(openReports), agents.slug)
    .limit(20);
}

/**
 * Unlists an agent (with the reason its creator is shown) or lists it again. Returns the
 * agent and whether this changed it; undefined when there is no such agent.
 */
export async function setAgentUnlisted(
  db: Db,
  params: { agentId: string; unlisted: boolean; reason?: string; now: Date },
) {
  const [agent] = await db
    .select({ id: agents.id, slug: agents.slug, listingId: agents.listingId, listingChainId: agents.listingChainId })
    .from(agents)
    .where(eq(agents.id, params.agentId));
  if (!agent) return undefined;
  const [row] = await db
    .update(agents)
    .set(
      params.unlisted
        ? { unlistedAt: params.now, unlistedReason: params.reason ?? "", updatedAt: params.now }
        : { unlistedAt: null, unlistedReason: null, updatedAt: params.now },
    )
    .where(
      and(eq(agents.id, params.agentId), params.unlisted ? isNull(agents.unlistedAt) : isNotNull(agents.unlistedAt)),
    )
    .returning({ id: agents.id });
  return { ...agent, changed: Boolean(row) };
}

// ── accounts ────────────────────────────────────────────────────────────────

/** Accounts by email, name or id (at most 20); erased accounts are left out. */
export async function findAccountsForOperator(db: Db, params: { query: string }) {
  const query = params.query.trim();
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      createdAt: users.createdAt,
      suspendedAt: users.suspendedAt,
      suspendedReason: users.suspendedReason,
    })
    .from(users)
    .where(
      and(
        isNull(users.erasedAt),
        query ? matching(query, [users.email, users.name], users.id) : isNotNull(users.suspendedAt),
      ),
    )
    .orderBy(users.email, users.id)
    .limit(20);
}

/**
 * Suspends an account (ending its sessions: the session version moves on) or restores it.
 * Returns the account, or undefined when there is none, it is erased, or already in that state.
 */
export async function setAccountSuspended(
  db: Db,
  params: { userId: string; suspended: boolean; reason?: string; now: Date },
) {
  const [row] = await db
    .update(users)
    .set(
      params.suspended
        ? {
            suspendedAt: params.now,
            suspendedReason: params.reason ?? "",
            sessionVersion: sql`${users.sessionVersion} + 1`,
            updatedAt: params.now,
          }
        : { suspendedAt: null, suspendedReason: null, updatedAt: params.now },
    )
    .where(
      and(
        eq(users.id, params.userId),
        isNull(users.erasedAt),
        params.suspended ? isNull(users.suspendedAt) : isNotNull(users.suspendedAt),
      ),
    )
    .returning({ id: users.id, email: users.email });
  return row;
}

// ── abuse reports ───────────────────────────────────────────────────────────

/** Reports one account may file per 24 hours. */
export const REPORTS_PER_DAY = 10;

/**
 * Files a report on a published agent. Per reporter: one open report per agent, and at
 * most REPORTS_PER_DAY a day (counted under a lock on the reporter's row, so parallel
 * requests cannot pass it together). Answers why not when it is refused.
 */
export async function createAbuseReport(
  db: Db,
  params: {
    agentId: string;
    reporterId: string;
    reason: (typeof abuseReports.$inferInsert)["reason"];
    details: string;
    now: Date;
  },
): Promise<{ ok: true; id: string } | { ok: false; reason: "not_found" | "open" | "too_many" }> {
  await db.select({ id: users.id }).from(users).where(eq(users.id, params.reporterId)).for("update");
  const [agent] = await db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.id, params.agentId), eq(agents.status, "published")));
  if (!agent) return { ok: false, reason: "not_found" };
  const [open] = await db
    .select({ id: abuseReports.id })
    .from(abuseReports)
    .where(
      and(
        eq(abuseReports.agentId, params.agentId),
        eq(abuseReports.reporterId, params.reporterId),
        eq(abuseReports.status, "open"),
      ),
    );
  if (open) return { ok: false, reason: "open" };
  const [recent] = await db
    .select({ n: count() })
    .from(abuseReports)
    .where(
      and(
        eq(abuseReports.reporterId, params.reporterId),
        gt(abuseReports.createdAt, new Date(params.now.getTime() - 24 * 3600_000)),
      ),
    );
  if ((recent?.n ?? 0) >= REPORTS_PER_DAY) return { ok: false, reason: "too_many" };
  const [row] = await db
    .insert(abuseReports)
    .values({
      agentId: params.agentId,
      reporterId: params.reporterId,
      reason: params.reason,
      details: params.details,
      createdAt: params.now,
    })
    .returning({ id: abuseReports.id });
  return { ok: true, id: row!.id };
}

/** Reports, newest first (open ones by default), with their agent and reporter. */
export async function listAbuseReports(db: Db, params: { status?: "open" | "resolved" | "dismissed"; limit?: number }) {
  return db
    .select({
      id: abuseReports.id,
      reason: abuseReports.reason,
      details: abuseReports.details,
      status: abuseReports.status,
      createdAt: abuseReports.createdAt,
      resolvedAt: abuseReports.resolvedAt,
      agentId: agents.id,
      agentSlug: agents.slug,
      agentName: agents.name,
      agentUnlistedAt: agents.unlistedAt,
      reporterId: abuseReports.reporterId,
      reporterEmail: users.email,
      reporterName: users.name,
    })
    .from(abuseReports)
    .innerJoin(agents, eq(agents.id, abuseReports.agentId))
    .leftJoin(users, eq(users.id, abuseReports.reporterId))
    .where(eq(abuseReports.status, params.status ?? "open"))
    .orderBy(desc(abuseReports.createdAt), abuseReports.id)
    .limit(Math.min(params.limit ?? 100, 500));
}

/** Closes an open report; undefined when there is none open with that id. */
export async function closeAbuseReport(
  db: Db,
  params: { reportId: string; status: "resolved" | "dismissed"; by: string; now: Date },
) {
  const [row] = await db
    .update(abuseReports)
    .set({ status: params.status, resolvedBy: params.by, resolvedAt: params.now })
    .where(and(eq(abuseReports.id, params.reportId), eq(abuseReports.status, "open")))
    .returning({ id: abuseReports.id, agentId: abuseReports.agentId });
  return row;
}

// ── chain ───────────────────────────────────────────────────────────────────

/** Chain events the indexer kept aside, newest first, with their reason. */
export async function listQuarantinedEvents(db: Db, params: { limit?: number } = {}) {
  return db
    .select()
    .from(chainEventQuarantine)
    .orderBy(desc(chainEventQuarantine.blockNumber), desc(chainEventQuarantine.logIndex))
    .limit(Math.min(params.limit ?? 50, 500));
}

/** How far the indexer has read, per chain and contract. */
export async function listChainCursors(db: Db) {
  return db.select().from(chainCursors).orderBy(chainCursors.chainId, chainCursors.contractAddress);
}

// ── request blocks ──────────────────────────────────────────────────────────

/** Sources blocked now, the latest first. */
export async function listRequestBlocks(db: Db, params: { now: Date; limit?: number }) {
  return db
    .select()
    .from(requestBlocks)
    .where(gt(requestBlocks.blockedUntil, params.now))
    .orderBy(desc(requestBlocks.createdAt))
    .limit(Math.min(params.limit ?? 100, 10_000));
}

/** Which of these sources have a block row at all (in force, ended or lifted). */
export async function requestBlockSourcesIn(db: Db, params: { sources: string[] }): Promise<Set<string>> {
  if (!params.sources.length) return new Set();
  const rows = await db
    .select({ source: requestBlocks.source })
    .from(requestBlocks)
    .where(inArray(requestBlocks.source, params.sources));
  return new Set(rows.map((r) => r.source));
}

/** Ends a block now; the source, or undefined when it was not blocked. */
export async function liftRequestBlock(db: Db, params: { source: string; now: Date }) {
  const [row] = await db
    .update(requestBlocks)
    .set({ blockedUntil: params.now })
    .where(and(eq(requestBlocks.source, params.source), gt(requestBlocks.blockedUntil, params.now)))
    .returning({ source: requestBlocks.source });
  return row;
}

/**
 * Blocks a source until `until` (a block already running is extended, never shortened).
 * Returns whether this began a block (false: one was running already).
 */
export async function blockRequestSource(
  db: Db,
  params: { source: string; reason: string; evidence: Record<string, unknown>; until: Date; now: Date },
): Promise<boolean> {
  const [row] = await db
    .insert(requestBlocks)
    .values({
      source: params.source,
      reason: params.reason,
      evidence: params.evidence,
      blockedUntil: params.until,
      createdAt: params.now,
    })
    .onConflictDoUpdate({
      target: requestBlocks.source,
      set: {
        reason: sql`case when ${requestBlocks.blockedUntil} > ${params.now.toISOString()}::timestamptz then ${requestBlocks.reason} else excluded.reason end`,
        evidence: sql`case when ${requestBlocks.blockedUntil} > ${params.now.toISOString()}::timestamptz then ${requestBlocks.evidence} else excluded.evidence end`,
        createdAt: sql`case when ${requestBlocks.blockedUntil} > ${params.now.toISOString()}::timestamptz then ${requestBlocks.createdAt} else excluded.created_at end`,
        blockedUntil: sql`greatest(${requestBlocks.blockedUntil}, excluded.blocked_until)`,
      },
    })
    .returning({ began: sql<boolean>`${requestBlocks.createdAt} = ${params.now.toISOString()}::timestamptz` });
  return Boolean(row?.began);
}

/** Deletes blocks that ended before `before` (their history is on the trail), a batch at a time. */
export async function deleteEndedRequestBlocks(db: Db, params: { before: Date; limit: number }) {
  await db.execute(sql`
    delete from request_blocks where source in (
      select source from request_blocks where blocked_until < ${params.before.toISOString()}::timestamptz limit ${params.limit})`);
}
