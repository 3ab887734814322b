import { setPriority } from "node:os";

/**
 * The nice value of the worker threads that do work for the request thread: the sandbox
 * (creator code) and the embedded database. Under load the request thread is the one
 * every request queues for; when it hands work to such a thread, the scheduler should
 * keep it on its core rather than switch to the worker, which then runs on the other
 * core or a moment later (and the database gets larger batches). bench/api measured
 * metered throughput +10–15 % for each of the two on two cores.
 */
export const WORKER_NICENESS = 10;

/**
 * Lowers the calling thread's CPU priority. Only on Linux, where a nice value belongs to
 * one thread: elsewhere the call would lower the whole process, so nothing is done.
 * Returns whether the priority was changed.
 */
export function lowerThreadPriority(niceness = WORKER_NICENESS): boolean {
  if (process.platform !== "linux") return false;
  try {
    setPriority(niceness);
    return true;
  } catch {
    // Not allowed here: the thread keeps the process's priority.
    return false;
  }
}
