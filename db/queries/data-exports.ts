import { and, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import {
  abuseReports,
  agents,
  agentVersions,
  credits,
  dataExports,
  invitations,
  executions,
  knowledgeDocuments,
  memberships,
  organizations,
  purchases,
  ratings,
  users,
  wallets,
  webhookEndpoints,
} from "../schema";
import { listApiKeys } from "./api-keys";
import { listAuditTrail } from "./audit-log";

/** Rows of one kind an export holds at most (the newest); the archive says when a kind was cut. */
export const EXPORT_ROWS_PER_KIND = 20_000;
/** Stored bytes of run inputs and outputs an export holds at most (the newest runs first). */
export const EXPORT_RUN_BYTES = 64 * 1024 * 1024;

/** An account's own exports (orgId null), or those of an organisation it asked for. */
const exportsOf = (params: { userId: string; orgId?: string | null }) =>
  and(
    eq(dataExports.userId, params.userId),
    params.orgId ? eq(dataExports.orgId, params.orgId) : isNull(dataExports.orgId),
  );

/**
 * Asks for an export of the account's data (or, with `orgId`, of an organisation's), unless
 * the account asked for one of the same within `since` (the rate limit), under a lock so two
 * requests at once make one. Undefined when limited. Run inside a transaction.
 */
export async function requestDataExport(db: Db, params: { userId: string; orgId?: string | null; since: Date }) {
  const lock = `exports:${params.userId}:${params.orgId ?? ""}`;
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${lock}, 0))`);
  const [recent] = await db
    .select({ id: dataExports.id })
    .from(dataExports)
    .where(and(exportsOf(params), gte(dataExports.requestedAt, params.since)))
    .limit(1);
  if (recent) return undefined;
  const [row] = await db
    .insert(dataExports)
    .values({ userId: params.userId, orgId: params.orgId ?? null })
    .returning({ id: dataExports.id, requestedAt: dataExports.requestedAt });
  return row!;
}

/** Whose an export is: the account that asked, and the organisation when it is one's. */
export async function getDataExportOwner(db: Db, params: { exportId: string; userId: string }) {
  const [row] = await db
    .select({ orgId: dataExports.orgId })
    .from(dataExports)
    .where(and(eq(dataExports.id, params.exportId), eq(dataExports.userId, params.userId)));
  return row;
}

/** An account's exports (or those of an organisation it asked for), newest first, without their archives. */
export async function listDataExports(db: Db, params: { userId: string; orgId?: string | null }) {
  return db
    .select({
      id: dataExports.id,
      status: dataExports.status,
      sizeBytes: dataExports.sizeBytes,
      requestedAt: dataExports.requestedAt,
      readyAt: dataExports.readyAt,
      downloadedAt: dataExports.downloadedAt,
      error: dataExports.error,
    })
    .from(dataExports)
    .where(exportsOf(params))
    .orderBy(desc(dataExports.requestedAt))
    .limit(20);
}

/** Takes a queued export for building (one builder gets it). */
export async function takeQueuedExport(db: Db, params: { exportId: string }) {
  const [row] = await db
    .update(dataExports)
    .set({ status: "building" })
    .where(and(eq(dataExports.id, params.exportId), eq(dataExports.status, "queued")))
    .returning({ id: dataExports.id, userId: dataExports.userId, orgId: dataExports.orgId });
  return row;
}

/** Stores a built archive (or why it failed). */
export async function finishDataExport(
  db: Db,
  params: { exportId: string; archive: Uint8Array | null; error: string | null; now: Date },
) {
  await db
    .update(dataExports)
    .set(
      params.archive
        ? {
            status: "ready",
            archive: Buffer.from(params.archive),
            sizeBytes: params.archive.length,
            readyAt: params.now,
          }
        : { status: "failed", error: params.error },
    )
    .where(eq(dataExports.id, params.exportId));
}

/**
 * Hands a ready archive to its owner, once: it is removed from the database in the same
 * statement. Undefined when it is not theirs, not ready, or already downloaded.
 */
export async function takeDataExportArchive(db: Db, params: { exportId: string; userId: string; now: Date }) {
  const result = await db.execute(sql`
    update data_exports d set archive = null, status = 'downloaded', downloaded_at = ${params.now.toISOString()}::timestamptz
    from (select id, archive from data_exports where id = ${params.exportId} and user_id = ${params.userId}
          and status = 'ready' for update) old
    where d.id = old.id
    returning old.archive`);
  const [row] = (result as unknown as { rows: { archive: Uint8Array | string }[] }).rows;
  if (!row) return undefined;
  const archive = row.archive;
  return typeof archive === "string" ? Buffer.from(archive.replace(/^\\x/, ""), "hex") : Buffer.from(archive);
}

/** A purchase as an export shows it (an account's and an organisation's). */
const purchaseColumns = {
  id: purchases.id,
  agentId: purchases.agentId,
  orgId: purchases.orgId,
  buyer: purchases.buyerAddress,
  runs: purchases.runs,
  amountWei: purchases.amountWei,
  token: purchases.token,
  chainId: purchases.chainId,
  txHash: purchases.txHash,
  createdAt: purchases.createdAt,
};

/**
 * The runs an export holds, with inputs and outputs: the newest of those `which` selects
 * (on `executions x`) whose stored inputs and outputs fit `runBytes` together. The archive
 * is built in memory, so its size is bounded whatever one account or organisation stored.
 */
async function newestRunsWithin(db: Db, which: SQL, runBytes = EXPORT_RUN_BYTES) {
  return db
    .select({
      id: executions.id,
      agentId: executions.agentId,
      versionId: executions.versionId,
      source: executions.source,
      apiKeyId: executions.apiKeyId,
      status: executions.status,
      input: executions.input,
      output: executions.output,
      errorCode: executions.errorCode,
      startedAt: executions.startedAt,
      finishedAt: executions.finishedAt,
      receiptHash: executions.receiptHash,
    })
    .from(executions)
    .where(
      sql`${executions.id} in (
        select t.id from (
          select x.id, sum(coalesce(pg_column_size(x.input), 0) + coalesce(pg_column_size(x.output), 0))
                   over (order by x.started_at desc, x.id) as total
          from executions x where ${which}
          order by x.started_at desc, x.id limit ${EXPORT_ROWS_PER_KIND}
        ) t where t.total <= ${runBytes})`,
    )
    .orderBy(desc(executions.startedAt))
    .limit(EXPORT_ROWS_PER_KIND);
}

/**
 * Everything the product holds about an account, kind by kind: profile, wallets,
 * memberships, agents and their versions, knowledge documents (with their text), the runs it
 * made (with inputs and outputs), purchases and ratings by its wallets, its audit trail.
 * Never password hashes, key hashes or webhook secrets. Other people's data is left out
 * (the inputs of runs buyers made of the account's agents are the buyers').
 */
export async function collectAccountData(db: Db, params: { userId: string; runBytes?: number }) {
  const limit = EXPORT_ROWS_PER_KIND;
  const [profile] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      emailVerifiedAt: users.emailVerifiedAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(eq(users.id, params.userId));
  const walletRows = await db
    .select({ address: wallets.address, createdAt: wallets.createdAt })
    .from(wallets)
    .where(eq(wallets.userId, params.userId));
  const addresses = walletRows.map((w) => w.address);
  const membershipRows = await db
    .select({
      orgId: organizations.id,
      organisation: organizations.name,
      role: memberships.role,
      since: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, params.userId));
  const agentRows = await db
    .select({
      id: agents.id,
      slug: agents.slug,
      name: agents.name,
      description: agents.description,
      category: agents.category,
      tags: agents.tags,
      status: agents.status,
      draftSpec: agents.draftSpec,
      createdAt: agents.createdAt,
    })
    .from(agents)
    .where(eq(agents.ownerId, params.userId))
    .limit(limit);
  const agentIds = agentRows.map((a) => a.id);
  const versionRows = agentIds.length
    ? await db
        .select({
          agentId: agentVersions.agentId,
          version: agentVersions.version,
          spec: agentVersions.spec,
          changelog: agentVersions.changelog,
          priceWei: agentVersions.priceWei,
          payees: agentVersions.payees,
          createdAt: agentVersions.createdAt,
        })
        .from(agentVersions)
        .where(inArray(agentVersions.agentId, agentIds))
        .limit(limit)
    : [];
  const documentRows = agentIds.length
    ? await db
        .select({
          id: knowledgeDocuments.id,
          agentId: knowledgeDocuments.agentId,
          title: knowledgeDocuments.title,
          format: knowledgeDocuments.format,
          createdAt: knowledgeDocuments.createdAt,
          content: sql<string>`(select string_agg(c.content, '' order by c.ordinal) from knowledge_chunks c where c.document_id = knowledge_documents.id)`,
        })
        .from(knowledgeDocuments)
        .where(and(inArray(knowledgeDocuments.agentId, agentIds), isNull(knowledgeDocuments.deletedAt)))
        .limit(limit)
    : [];
  const runRows = await newestRunsWithin(db, sql`x.user_id = ${params.userId}`, params.runBytes);
  const purchaseRows = addresses.length
    ? await db.select(purchaseColumns).from(purchases).where(inArray(purchases.buyerAddress, addresses)).limit(limit)
    : [];
  const ratingRows = await db
    .select({
      agentId: ratings.agentId,
      rater: ratings.raterAddress,
      score: ratings.score,
      review: ratings.review,
      chainId: ratings.chainId,
      txHash: ratings.txHash,
      createdAt: ratings.createdAt,
    })
    .from(ratings)
    .where(
      or(
        eq(ratings.reviewerUserId, params.userId),
        addresses.length ? inArray(ratings.raterAddress, addresses) : sql`false`,
      ),
    )
    .limit(limit);
  const reportRows = await db
    .select({
      agentId: abuseReports.agentId,
      reason: abuseReports.reason,
      details: abuseReports.details,
      status: abuseReports.status,
      createdAt: abuseReports.createdAt,
    })
    .from(abuseReports)
    .where(eq(abuseReports.reporterId, params.userId))
    .limit(limit);
  const auditRows = await listAuditTrail(db, { userId: params.userId, limit });
  return {
    profile: profile ? [profile] : [],
    wallets: walletRows,
    memberships: membershipRows,
    agents: agentRows,
    agent_versions: versionRows,
    knowledge_documents: documentRows,
    executions: runRows,
    purchases: purchaseRows,
    ratings: ratingRows,
    abuse_reports: reportRows,
    audit_entries: auditRows,
  };
}

/**
 * Everything the product holds about an organisation, kind by kind, for its owners: the
 * organisation, members (name, email, role), invitations, API keys (never their hashes),
 * credits, purchases, its runs (with inputs and outputs, the newest within EXPORT_RUN_BYTES),
 * webhook endpoints (never their secrets) and its audit trail.
 */
export async function collectOrganizationData(db: Db, params: { orgId: string; runBytes?: number }) {
  const limit = EXPORT_ROWS_PER_KIND;
  const orgId = params.orgId;
  const organisation = await db
    .select({
      id: organizations.id,
      name: organizations.name,
      slug: organizations.slug,
      createdAt: organizations.createdAt,
    })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  const members = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      since: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .limit(limit);
  const invitationRows = await db
    .select({
      email: invitations.email,
      role: invitations.role,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
    })
    .from(invitations)
    .where(eq(invitations.orgId, orgId))
    .limit(limit);
  const keyRows = await listApiKeys(db, { orgId });
  const creditRows = await db
    .select({ agentId: credits.agentId, granted: credits.granted, used: credits.used, createdAt: credits.createdAt })
    .from(credits)
    .where(eq(credits.orgId, orgId))
    .limit(limit);
  const purchaseRows = await db.select(purchaseColumns).from(purchases).where(eq(purchases.orgId, orgId)).limit(limit);
  const runRows = await newestRunsWithin(db, sql`x.org_id = ${orgId}`, params.runBytes);
  const endpointRows = await db
    .select({
      id: webhookEndpoints.id,
      url: webhookEndpoints.url,
      description: webhookEndpoints.description,
      events: webhookEndpoints.events,
      createdAt: webhookEndpoints.createdAt,
      disabledAt: webhookEndpoints.disabledAt,
    })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.orgId, orgId))
    .limit(limit);
  const auditRows = await listAuditTrail(db, { orgId, limit });
  return {
    organisation,
    members,
    invitations: invitationRows,
    api_keys: keyRows,
    credits: creditRows,
    purchases: purchaseRows,
    executions: runRows,
    webhook_endpoints: endpointRows,
    audit_entries: auditRows,
  };
}

/** Exports still queued since before `before` (their job was lost with its process): to send again. */
export async function listStaleQueuedExports(db: Db, params: { before: Date; limit: number }) {
  const rows = await db
    .select({ id: dataExports.id })
    .from(dataExports)
    .where(and(eq(dataExports.status, "queued"), lt(dataExports.requestedAt, params.before)))
    .limit(params.limit);
  return rows.map((r) => r.id);
}
