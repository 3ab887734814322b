import "server-only";
import { runAgent, type RunAgentDeps, type RunAgentParams, type RunOutcome } from "@/lib/agents/runtime/run-agent";
import { describeError } from "@/lib/log";
import { recordRunEnd, type ExecutionRecord, type StartedRun } from "./record-end";

/**
 * Runs a started run and records its end, whatever happens in between: the row inserted by
 * startRun never stays `running` (unless the process dies, which the reaper covers).
 */
export async function executeRun(
  deps: RunAgentDeps,
  run: StartedRun,
  params: Omit<RunAgentParams, "agentId" | "versionId">,
): Promise<ExecutionRecord> {
  params.onEvent?.({ type: "started", executionId: run.id });
  let outcome: RunOutcome;
  try {
    outcome = await runAgent(deps, { ...params, agentId: run.agentId, versionId: run.versionId });
  } catch (error) {
    console.error(`[execute-run] execution ${run.id} failed outside the agent: ${describeError(error)}`);
    outcome = {
      status: "failed",
      output: null,
      outputHash: null,
      errorCode: "INTERNAL",
      errorMessage: "The run failed because of an internal error.",
      steps: [],
      tokensIn: 0,
      tokensOut: 0,
      durationMs: 0,
    };
  }
  return recordRunEnd(deps.db, run, outcome);
}
