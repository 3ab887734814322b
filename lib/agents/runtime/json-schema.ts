import Ajv, { type ValidateFunction } from "ajv";
import { RE2JS } from "re2js";
import { canonicalJson, sha256Hex } from "@/lib/canonical-json";
import { jsonValueProblem } from "@/lib/json-limits";

/** Bounds on a schema document a creator saves: its nesting, its size and each pattern. */
export const MAX_SCHEMA_DEPTH = 32;
export const MAX_SCHEMA_CHARS = 64 * 1024;
export const MAX_PATTERN_CHARS = 1_000;
const MAX_CACHED_SCHEMAS = 256;

/**
 * `pattern` and `patternProperties` run on RE2 (re2js): linear in the input's length, so a
 * creator's `^(a+)+$` cannot freeze the server. RE2 has no backreferences or lookaround; a
 * schema that uses them is refused when the draft is saved. Formats are not checked (no
 * format plugin is loaded), so no format regex runs either.
 */
function re2(pattern: string, flags: string) {
  if (pattern.length > MAX_PATTERN_CHARS) throw new Error(`a pattern is longer than ${MAX_PATTERN_CHARS} characters`);
  const compiled = RE2JS.compile(pattern, flags.includes("i") ? RE2JS.CASE_INSENSITIVE : 0);
  return { test: (text: string) => compiled.test(text) };
}
/** Ajv's name for the engine in generated code (it is passed in, never imported by name). */
re2.code = "re2";

/**
 * Each schema is compiled by an Ajv instance of its own that keeps nothing: no registry of
 * `$id`s shared between creators (two agents may use the same `$id`, and one creator's
 * schema cannot shadow or block another's), and nothing that grows with every schema seen.
 */
function compileIsolated(schema: object): ValidateFunction {
  const ajv = new Ajv({
    strict: false,
    allErrors: false,
    meta: false,
    validateSchema: false,
    addUsedSchema: false,
    code: { regExp: re2 },
  });
  return ajv.compile(schema);
}

/** Meta-schema checks only; this instance never compiles or registers a creator's schema. */
const metaAjv = new Ajv({ strict: false, code: { regExp: re2 } });

/** Compiled validators by the SHA-256 of the schema's canonical JSON; oldest out first. */
const compiled = new Map<string, ValidateFunction>();
/** The same schema object (a cached agent spec's) skips canonicalising it on every call. */
const bySchemaObject = new WeakMap<object, ValidateFunction>();

function compile(schema: object): ValidateFunction {
  const known = bySchemaObject.get(schema);
  if (known) return known;
  const key = sha256Hex(canonicalJson(schema));
  let validate = compiled.get(key);
  if (!validate) {
    validate = compileIsolated(schema);
    if (compiled.size >= MAX_CACHED_SCHEMAS) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
  }
  bySchemaObject.set(schema, validate);
  return validate;
}

/** Problems with a JSON Schema document itself, or [] when it is usable. */
export function schemaProblems(schema: unknown): string[] {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return ["A schema must be a JSON object."];
  const shape = jsonValueProblem(schema, MAX_SCHEMA_DEPTH);
  if (shape) return [`The schema is not usable: ${shape}`];
  if (JSON.stringify(schema).length > MAX_SCHEMA_CHARS)
    return [`A schema may be at most ${MAX_SCHEMA_CHARS / 1024} KiB of JSON.`];
  if (!metaAjv.validateSchema(schema)) {
    return (metaAjv.errors ?? []).map((e) => `${e.instancePath || "schema"} ${e.message ?? "is invalid"}`);
  }
  try {
    compile(schema);
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [
      /regexp|pattern/i.test(message)
        ? `A pattern is not supported (patterns run on RE2: no backreferences or lookaround): ${message}`
        : message,
    ];
  }
}

/** Messages such as "/rows must be integer" for the way `value` breaks `schema`, or []. */
export function validateAgainstSchema(schema: object, value: unknown): string[] {
  const validate = compile(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const path = e.instancePath || "input";
    const extra = e.keyword === "additionalProperties" ? ` (${String(e.params.additionalProperty)})` : "";
    return `${path} ${e.message ?? "is invalid"}${extra}`;
  });
}
