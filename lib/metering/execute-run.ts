import "server-only";
import { runAgent, type RunAgentDeps, type RunAgentParams, type RunOutcome } from "@/lib/agents/runtime/run-agent";
import { describeError } from "@/lib/log";
import { failedOutcome, recordRunEnd, type ExecutionRecord, type StartedRun } from "./record-end";
import { watchForCancel } from "./cancel-watch";
import { runEventRecorder, storedEvents, type RunEventSink } from "./run-events";

/**
 * Runs a started run and records its end, whatever happens in between: the row inserted by
 * startRun never stays `running` (unless the process dies, which the reaper covers). With
 * `events`, its events are recorded for its API client to follow (run-events.ts); with
 * `cancellable`, its organisation's cancel request stops it (cancel-watch.ts).
 */
export async function executeRun(
  deps: RunAgentDeps,
  run: StartedRun,
  given: Omit<RunAgentParams, "agentId" | "versionId">,
  options: {
    /** Where its events go for its API client: stored (`"stored"`) or a sink (an open response). */
    events?: "stored" | RunEventSink;
    cancellable?: boolean;
    /** Added to the end event (a streamed synchronous run sends the whole execution). */
    endExtra?: (record: ExecutionRecord) => Promise<Record<string, unknown>>;
  } = {},
): Promise<ExecutionRecord> {
  const recorder = options.events
    ? runEventRecorder(options.events === "stored" ? storedEvents(deps.db, run.id) : options.events, run.id)
    : null;
  const cancel = options.cancellable ? watchForCancel(deps.db, run.id) : null;
  const params: typeof given = {
    ...given,
    ...(cancel ? { cancel: cancel.signal } : {}),
    ...(recorder
      ? {
          onEvent: (event: Parameters<NonNullable<typeof given.onEvent>>[0]) => {
            recorder.onEvent(event);
            given.onEvent?.(event);
          },
        }
      : {}),
  };
  params.onEvent?.({ type: "started", executionId: run.id });
  let outcome: RunOutcome;
  try {
    outcome = await runAgent(deps, { ...params, agentId: run.agentId, versionId: run.versionId });
  } catch (error) {
    console.error(`[execute-run] execution ${run.id} failed outside the agent: ${describeError(error)}`);
    outcome = failedOutcome("INTERNAL", "The run failed because of an internal error.");
  }
  cancel?.stop();
  const record = await recordRunEnd(deps.db, run, outcome);
  await recorder?.end(record.status, record.errorCode, options.endExtra ? await options.endExtra(record) : {});
  return record;
}
