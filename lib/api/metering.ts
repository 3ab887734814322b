import { and, eq, gte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiKeys, credits, executions } from "@/db/schema";
import { hashCanonical } from "@/lib/canonical-json";
import { AppError } from "@/lib/errors";

/**
 * Error codes that mean the platform failed the run, not the agent: the organisation gets
 * its credit back. An agent's own failures (its code throws, times out, returns output that
 * breaks its schema, a tool it chose fails) are charged: the run happened.
 */
export const REFUNDED_ERROR_CODES = new Set(["INTERNAL", "PROVIDER_ERROR", "PROVIDER_NOT_CONFIGURED", "SANDBOX_BUSY", "RUN_INTERRUPTED"]);

export type MeteredKey = { id: string; orgId: string; monthlyRunCap: number | null };

export type MeterResult =
  | { kind: "started"; execution: { id: string; startedAt: Date }; creditId: string }
  | { kind: "replay"; executionId: string };

class IdempotentReplay extends Error {}

/** The SHA-256 that ties an Idempotency-Key to one request: agent, version and input. */
export function requestHashOf(params: { agentId: string; versionId: string; input: unknown }): string {
  return hashCanonical({ agentId: params.agentId, versionId: params.versionId, input: params.input ?? null });
}

function startOfMonthUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export function startOfNextMonthUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

async function existingForKey(db: Db, orgId: string, idempotencyKey: string) {
  const [row] = await db
    .select({ id: executions.id, requestHash: executions.requestHash })
    .from(executions)
    .where(and(eq(executions.orgId, orgId), eq(executions.idempotencyKey, idempotencyKey)))
    .limit(1);
  return row;
}

/**
 * Meters one API run in one transaction: replays an earlier run with the same
 * Idempotency-Key (or refuses it with CONFLICT when the request differs), enforces the
 * key's monthly cap, takes one credit with a conditional UPDATE (`used < granted`, so
 * the count never goes past what was bought) and inserts the execution row. Nothing is
 * charged unless the row is written, and the row is never written without a credit.
 */
export async function meterRun(
  db: Db,
  params: {
    key: MeteredKey;
    agentId: string;
    versionId: string;
    input: unknown;
    inputHash: string;
    idempotencyKey: string | null;
    /** requestHashOf(…): compared and stored only next to an Idempotency-Key. */
    requestHash: string | null;
    costWei: string;
    now?: Date;
  },
): Promise<MeterResult> {
  const { key } = params;
  const now = params.now ?? new Date();
  const replayOf = async (): Promise<MeterResult | null> => {
    if (!params.idempotencyKey) return null;
    const existing = await existingForKey(db, key.orgId, params.idempotencyKey);
    if (!existing) return null;
    if (existing.requestHash !== params.requestHash) {
      throw new AppError("CONFLICT", "This Idempotency-Key was already used with a different request. Use a new key for a new request.");
    }
    return { kind: "replay", executionId: existing.id };
  };

  const earlier = await replayOf();
  if (earlier) return earlier;
  if (key.monthlyRunCap === null && !params.idempotencyKey) return meterInOneStatement(db, { ...params, now });
  try {
    return await db.transaction(async (tx) => {
      if (key.monthlyRunCap !== null) {
        // Serialise this key's metering so two requests cannot both pass the cap check.
        await tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, key.id)).for("update");
        const [used] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(executions)
          .where(and(eq(executions.apiKeyId, key.id), gte(executions.createdAt, startOfMonthUtc(now)), eq(executions.creditRefunded, false)));
        if (used!.n >= key.monthlyRunCap) {
          throw new AppError("MONTHLY_CAP_REACHED", `This key has used its monthly cap of ${key.monthlyRunCap} runs.`);
        }
      }
      const creditId = await takeCredit(tx, { orgId: key.orgId, agentId: params.agentId });
      if (!creditId) throw new AppError("PAYMENT_REQUIRED", "Your organisation has no run credits left for this agent. Buy more runs on the agent's page.");
      const [row] = await tx
        .insert(executions)
        .values({
          agentId: params.agentId,
          versionId: params.versionId,
          source: "api",
          orgId: key.orgId,
          apiKeyId: key.id,
          creditId,
          idempotencyKey: params.idempotencyKey,
          requestHash: params.idempotencyKey ? params.requestHash : null,
          status: "running",
          input: params.input ?? null,
          inputHash: params.inputHash,
          costWei: params.costWei,
          startedAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: executions.id, startedAt: executions.startedAt });
      // A concurrent request with the same Idempotency-Key won: undo our credit and replay.
      if (!row) throw new IdempotentReplay();
      return { kind: "started" as const, execution: row, creditId };
    });
  } catch (error) {
    if (!(error instanceof IdempotentReplay)) throw error;
    const replay = await replayOf();
    if (!replay) throw new AppError("INTERNAL", "The idempotent request could not be resolved.");
    return replay;
  }
}

const MAX_CREDIT_ATTEMPTS = 20;

/** The oldest grant of the organisation for the agent that still has runs left. */
const oldestOpenGrant = (orgId: string, agentId: string) => sql`(
  select id from credits where org_id = ${orgId} and agent_id = ${agentId} and used < granted
  order by created_at, id limit 1)`;

async function hasOpenGrant(db: Db, orgId: string, agentId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: credits.id })
    .from(credits)
    .where(and(eq(credits.orgId, orgId), eq(credits.agentId, agentId), sql`${credits.used} < ${credits.granted}`))
    .limit(1);
  return Boolean(row);
}

/**
 * Takes one credit from the organisation's oldest grant for the agent that has runs left,
 * in one statement. The UPDATE re-checks `used < granted`, so concurrent takers never
 * overdraw a grant; when another request drained the chosen grant first, the next one is tried.
 */
async function takeCredit(db: Db, params: { orgId: string; agentId: string }): Promise<string | null> {
  for (let attempt = 0; attempt < MAX_CREDIT_ATTEMPTS; attempt++) {
    const [taken] = await db
      .update(credits)
      .set({ used: sql`${credits.used} + 1` })
      .where(and(sql`${credits.id} = ${oldestOpenGrant(params.orgId, params.agentId)}`, sql`${credits.used} < ${credits.granted}`))
      .returning({ id: credits.id });
    if (taken) return taken.id;
    if (!(await hasOpenGrant(db, params.orgId, params.agentId))) return null;
  }
  throw new AppError("CONFLICT", "Too many concurrent runs are competing for credits; retry the request.");
}

/**
 * The common case (no Idempotency-Key, no monthly cap) in a single statement: the credit
 * UPDATE and the execution INSERT run as one data-modifying CTE, which Postgres applies
 * atomically — the row exists exactly when the credit was taken.
 */
async function meterInOneStatement(
  db: Db,
  params: { key: MeteredKey; agentId: string; versionId: string; input: unknown; inputHash: string; costWei: string; now: Date },
): Promise<MeterResult> {
  const { key } = params;
  for (let attempt = 0; attempt < MAX_CREDIT_ATTEMPTS; attempt++) {
    const result = await db.execute(sql`
      with taken as (
        update credits set used = used + 1, updated_at = now()
        where id = ${oldestOpenGrant(key.orgId, params.agentId)} and used < granted
        returning id
      )
      insert into executions (agent_id, version_id, source, org_id, api_key_id, credit_id, status, input, input_hash, cost_wei, started_at)
      select ${params.agentId}, ${params.versionId}, 'api', ${key.orgId}, ${key.id}, taken.id, 'running',
             ${JSON.stringify(params.input ?? null)}::jsonb, ${params.inputHash}, ${params.costWei}, ${params.now.toISOString()}::timestamptz
      from taken
      returning id, started_at, credit_id`);
    const row = (result as unknown as { rows: { id: string; started_at: Date | string; credit_id: string }[] }).rows[0];
    if (row) return { kind: "started", execution: { id: row.id, startedAt: new Date(row.started_at) }, creditId: row.credit_id };
    if (!(await hasOpenGrant(db, key.orgId, params.agentId))) {
      throw new AppError("PAYMENT_REQUIRED", "Your organisation has no run credits left for this agent. Buy more runs on the agent's page.");
    }
  }
  throw new AppError("CONFLICT", "Too many concurrent runs are competing for credits; retry the request.");
}

/** Gives the credit back for a run the platform failed; once per execution. */
export async function refundCredit(db: Db, params: { executionId: string }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(executions)
      .set({ creditRefunded: true })
      .where(and(eq(executions.id, params.executionId), eq(executions.creditRefunded, false), sql`${executions.creditId} is not null`))
      .returning({ creditId: executions.creditId });
    if (!row?.creditId) return false;
    await tx.update(credits).set({ used: sql`${credits.used} - 1` }).where(and(eq(credits.id, row.creditId), sql`${credits.used} > 0`));
    return true;
  });
}
