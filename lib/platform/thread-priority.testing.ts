import { readdirSync, readFileSync } from "node:fs";

/** The nice value of a thread of this process, from /proc (field 19 of its stat). */
export function niceOf(task: string): number {
  const stat = readFileSync(`/proc/self/task/${task}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

/** The threads of this process that `start` created, with their nice values (Linux). */
export async function threadsStartedBy(start: () => Promise<unknown>): Promise<{ task: string; nice: number }[]> {
  const before = new Set(readdirSync("/proc/self/task"));
  await start();
  return readdirSync("/proc/self/task")
    .filter((task) => !before.has(task))
    .map((task) => ({ task, nice: niceOf(task) }));
}
