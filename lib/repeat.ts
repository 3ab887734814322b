import { describeError } from "@/lib/log";

const started = new Set<string>();

/**
 * Runs `pass` every `intervalMs`, one pass at a time (a pass still running skips the
 * next tick), logging a failure at most once a minute. Once per process per `name`.
 */
export function repeat(
  name: string,
  intervalMs: number,
  pass: () => Promise<void>,
  options: { immediately: boolean },
): void {
  if (started.has(name)) return;
  started.add(name);
  let running = false;
  let lastErrorLog = 0;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await pass();
    } catch (error) {
      if (Date.now() - lastErrorLog > 60_000) {
        lastErrorLog = Date.now();
        console.warn(`[${name}] pass failed; retrying: ${describeError(error)}`);
      }
    } finally {
      running = false;
    }
  };
  setInterval(() => void tick(), intervalMs).unref();
  if (options.immediately) void tick();
}
