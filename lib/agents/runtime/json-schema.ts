import Ajv, { type ValidateFunction } from "ajv";
import { canonicalJson } from "@/lib/canonical-json";

const ajv = new Ajv({ allErrors: true, strict: false });
const cache = new Map<string, ValidateFunction>();
const MAX_CACHE = 500;
/** The same schema object (a cached agent spec's) skips canonicalising it on every call. */
const bySchemaObject = new WeakMap<object, ValidateFunction>();

function compile(schema: object): ValidateFunction {
  const known = bySchemaObject.get(schema);
  if (known) return known;
  const key = canonicalJson(schema);
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value!);
    cache.set(key, validate);
  }
  bySchemaObject.set(schema, validate);
  return validate;
}

/** Problems with a JSON Schema document itself, or [] when it is usable. */
export function schemaProblems(schema: unknown): string[] {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return ["A schema must be a JSON object."];
  if (!ajv.validateSchema(schema)) {
    return (ajv.errors ?? []).map((e) => `${e.instancePath || "schema"} ${e.message ?? "is invalid"}`);
  }
  try {
    compile(schema);
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

/** Messages such as "/rows must be integer" for each way `value` breaks `schema`, or []. */
export function validateAgainstSchema(schema: object, value: unknown): string[] {
  const validate = compile(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const path = e.instancePath || "input";
    const extra = e.keyword === "additionalProperties" ? ` (${String(e.params.additionalProperty)})` : "";
    return `${path} ${e.message ?? "is invalid"}${extra}`;
  });
}
