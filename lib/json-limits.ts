/**
 * Limits on JSON values that come from outside (API and playground inputs, schemas). A value
 * that breaks them is refused with a message that says why, before anything hashes, stores
 * or validates it: Postgres's jsonb cannot hold U+0000 or a lone surrogate, and recursive
 * code (hashing, schema validation, JSON.stringify) would overflow its stack on deep nesting.
 */

/** How deeply arrays and objects may nest in an input (the top level is depth 1). */
export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");

/** Why a string cannot be stored in jsonb, or null when it can. */
function stringProblem(text: string): string | null {
  if (text.includes("\u0000")) return "contains the character U+0000, which cannot be stored";
  if (LONE_SURROGATE.test(text)) return "contains an unpaired surrogate (invalid Unicode), which cannot be stored";
  return null;
}

/**
 * Why `value` cannot be accepted (nesting deeper than `maxDepth`, a string or key that
 * Postgres cannot store), with the path to the first offending place; null when it is fine.
 * Iterative, so a hostile nesting depth cannot overflow the stack here either.
 */
export function jsonValueProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: "", depth: 0 }];
  while (stack.length) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === "string") {
      const problem = stringProblem(current);
      if (problem) return `${path || "the value"} ${problem}.`;
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    if (depth + 1 > maxDepth) return `${path || "the value"} nests deeper than ${maxDepth} levels.`;
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++)
        stack.push({ value: current[i], path: `${path}/${i}`, depth: depth + 1 });
      continue;
    }
    for (const [key, child] of Object.entries(current)) {
      const problem = stringProblem(key);
      if (problem) return `A key in ${path || "the value"} ${problem}.`;
      stack.push({ value: child, path: `${path}/${key}`, depth: depth + 1 });
    }
  }
  return null;
}

/** What a recorded value (a log line, a tool's arguments or result) keeps at most, in characters of JSON. */
export const MAX_RECORDED_CHARS = 16 * 1024;

const clean = (text: string) =>
  text.includes("\u0000") || LONE_SURROGATE.test(text)
    ? text.replaceAll("\u0000", "\ufffd").replace(LONE_SURROGATES, "\ufffd")
    : text;

/**
 * A copy of `value` that can be stored and shown: U+0000 and lone surrogates become U+FFFD,
 * nesting past MAX_JSON_DEPTH is cut, and a value whose JSON is longer than `maxChars`
 * becomes a truncated preview. For what the platform records about a run (steps), which
 * must never stop the run's end state from being written.
 */
export function recordable(value: unknown, maxChars = MAX_RECORDED_CHARS): unknown {
  const copy = (current: unknown, depth: number): unknown => {
    if (typeof current === "string") return clean(current);
    if (current === null || typeof current !== "object") return current;
    if (depth >= MAX_JSON_DEPTH) return "[nested too deep]";
    if (Array.isArray(current)) return current.map((v) => copy(v, depth + 1));
    return Object.fromEntries(Object.entries(current).map(([k, v]) => [clean(k), copy(v, depth + 1)]));
  };
  const safe = copy(value, 0);
  const json = JSON.stringify(safe) ?? "null";
  if (json.length <= maxChars) return safe;
  return { truncated: true, chars: json.length, preview: clean(json.slice(0, maxChars)) };
}

/** Text as it can be stored: U+0000 and lone surrogates replaced, cut at `maxChars` with a note. */
export function recordableText(text: string, maxChars = MAX_RECORDED_CHARS): string {
  const safe = clean(text);
  return safe.length <= maxChars
    ? safe
    : `${safe.slice(0, maxChars)}… [${safe.length - maxChars} more characters not recorded]`;
}
