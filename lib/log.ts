/**
 * What may be logged of an error: its kind, its database error code and the message of the
 * innermost cause, with quoted values masked. Never its parameters, its details or the
 * query it failed in: Drizzle's errors carry a statement's parameters (another customer's
 * input, an API key's hash) in their message, and Postgres's carry values in `detail` and
 * `where`. Errors are logged with ids; data stays in the database.
 */
export function describeError(error: unknown): string {
  let current: unknown = error;
  const kinds: string[] = [];
  let code: string | undefined;
  let innermost: { message?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; constraint?: unknown };
    kinds.push(typeof e.name === "string" ? e.name : typeof current);
    if (typeof e.code === "string") code = e.constraint ? `${e.code} ${String(e.constraint)}` : e.code;
    innermost = e;
    current = e.cause;
  }
  const raw = typeof innermost?.message === "string" ? innermost.message : String(error);
  // Drizzle: "Failed query: <sql>\nparams: <values>"; keep none of it.
  const message = /^Failed query:/.test(raw)
    ? "a query failed"
    : raw
        .split("\n")[0]!
        .replace(/"[^"]*"|'[^']*'/g, '"…"')
        .slice(0, 200);
  return `${kinds.join(" ← ")}${code ? ` [${code}]` : ""}: ${message}`;
}

/**
 * One structured log line (JSON): `event` names what happened, `fields` are ids, codes and
 * numbers, never customer data. For lines a log pipeline parses, such as the API's access
 * log (lib/api/with-api-key.ts).
 */
export function logJson(
  level: "info" | "warn" | "error",
  event: string,
  fields: Record<string, string | number | boolean | null | undefined>,
): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

const CONSOLE_LEVELS = [
  ["log", "info"],
  ["info", "info"],
  ["warn", "warn"],
  ["error", "error"],
] as const;

/**
 * A console call as one JSON line: `{ time, level, component, message }`, the component
 * read from the `[component] ` prefix every server log line carries. Errors among the
 * arguments are described (describeError), never dumped; a line that is already JSON
 * (logJson) passes as it is.
 */
export function jsonConsoleLine(level: "info" | "warn" | "error", args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === "string" && args[0].startsWith("{")) return args[0];
  const text = args
    .map((arg) => {
      if (typeof arg === "string") return arg;
      if (arg instanceof Error) return describeError(arg);
      try {
        return JSON.stringify(arg) ?? String(arg);
      } catch {
        return String(arg);
      }
    })
    .join(" ");
  const prefixed = /^\[([^\]\n]{1,60})\] ?([\s\S]*)$/.exec(text);
  return JSON.stringify({
    time: new Date().toISOString(),
    level,
    component: prefixed ? prefixed[1] : null,
    message: prefixed ? prefixed[2] : text,
  });
}

/**
 * With LOG_FORMAT=json, this process's console writes one JSON object per line (see
 * jsonConsoleLine), for a log pipeline; API access lines carry the request id that the
 * execution records keep. Installed once per process, by instrumentation.ts and the worker.
 */
export function installJsonConsole(): void {
  const flag = globalThis as unknown as { __aiNomadsJsonConsole?: boolean };
  if (flag.__aiNomadsJsonConsole) return;
  flag.__aiNomadsJsonConsole = true;
  for (const [method, level] of CONSOLE_LEVELS) {
    const write = console[method].bind(console);
    console[method] = (...args: unknown[]) => write(jsonConsoleLine(level, args));
  }
}
