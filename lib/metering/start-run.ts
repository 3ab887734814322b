import "server-only";
import type { Db } from "@/db/client";
import type { RunStart } from "@/db/queries/runs";
import { MAX_TIMEOUT_MS, type AgentSpec } from "@/lib/agents/spec";
import { SANDBOX_MAX_WAIT_MS } from "@/lib/agents/runtime/sandbox";
import { AppError } from "@/lib/errors";
import { runPath } from "./run-path";

export type { RunStart } from "@/db/queries/runs";

/** Past its timeout and the longest wait for a sandbox, how long a run may still be running before the reaper ends it. */
const DEADLINE_MARGIN_MS = 60_000;

/** When a run of this spec (null: of any spec), started now, must have ended (executions.deadline_at). */
export function runDeadline(spec: AgentSpec | null, now = new Date()): Date {
  const timeoutMs = spec ? spec.limits.timeoutMs : MAX_TIMEOUT_MS;
  return new Date(now.getTime() + timeoutMs + SANDBOX_MAX_WAIT_MS + DEADLINE_MARGIN_MS);
}

/** How long an asynchronously accepted run may wait for a worker before the reaper ends it (refunded). */
export const QUEUE_MAX_WAIT_MS = 30 * 60_000;

/** The deadline of a run accepted now to wait in the queue: the wait, then the run's own. */
export function queuedRunDeadline(spec: AgentSpec, now = new Date()): Date {
  return new Date(runDeadline(spec, now).getTime() + QUEUE_MAX_WAIT_MS);
}

export type StartResult =
  | { kind: "started"; execution: { id: string; startedAt: Date }; creditId: string | null }
  | { kind: "replay"; executionId: string }
  /** The version the caller validated against is no longer the one the key runs: look it up again. */
  | { kind: "stale" };

/**
 * Starts a run: the one path that inserts an execution row, with its cost. An API run takes
 * one credit (after its Idempotency-Key, version and monthly cap are checked); a playground
 * run must fit its user's quotas. Refusals are thrown as AppErrors the transports translate
 * (402, 409, 429); a retried Idempotency-Key answers `replay`.
 */
export async function startRun(db: Db, request: RunStart): Promise<StartResult> {
  const submitted = await runPath(db).submit({ kind: "start", request });
  if (submitted.kind !== "start") throw new Error("run path: a start item got another kind of result");
  const result = submitted.outcome;
  switch (result.outcome) {
    case "started":
      return {
        kind: "started",
        execution: { id: result.executionId, startedAt: result.startedAt },
        creditId: result.creditId,
      };
    case "replay":
      return { kind: "replay", executionId: result.executionId };
    case "stale":
      return { kind: "stale" };
    case "conflict":
      throw new AppError(
        "CONFLICT",
        "This Idempotency-Key was already used with a different request. Use a new key for a new request.",
      );
    case "cap_reached":
      throw new AppError(
        "MONTHLY_CAP_REACHED",
        `This key has used its monthly cap of ${request.source === "api" ? request.monthlyRunCap : 0} runs.`,
      );
    case "no_credit":
      throw new AppError(
        "PAYMENT_REQUIRED",
        "Your organisation has no run credits left for this agent. Buy more runs on the agent's page.",
      );
    case "quota_running":
      throw new AppError(
        "RATE_LIMITED",
        `You already have ${request.source === "playground" ? request.quotas.maxRunning : 0} playground runs going. Wait for one to finish.`,
      );
    case "quota_rate":
      throw new AppError(
        "RATE_LIMITED",
        `The playground allows ${request.source === "playground" ? request.quotas.maxPerMinute : 0} runs a minute. Try again in a minute.`,
      );
    case "quota_tokens":
      throw new AppError(
        "RATE_LIMITED",
        `Your playground runs used their ${request.source === "playground" ? request.quotas.maxTokensPerDay : 0} model tokens for the last 24 hours. Try again later.`,
      );
    case "duplicate":
      throw new Error("startRun: a duplicate was not resolved");
  }
}
