/**
 * An example input built from an agent's input JSON Schema (its own `examples` and
 * `default`s first, then the first `enum` value, then a value of the declared type that
 * meets its bounds), and the request that runs it, as curl, JavaScript and Python. Bounded:
 * nesting beyond MAX_DEPTH and more than MAX_PROPERTIES properties per object are left out.
 */

type Schema = Record<string, unknown>;

const MAX_DEPTH = 6;
const MAX_PROPERTIES = 20;

const isSchema = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function exampleValue(schema: unknown, depth = 0): unknown {
  if (!isSchema(schema) || depth > MAX_DEPTH) return null;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  for (const key of ["oneOf", "anyOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length) return exampleValue(options[0], depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      return exampleString(schema);
    case "integer":
    case "number": {
      const min = typeof schema.minimum === "number" ? schema.minimum : undefined;
      const max = typeof schema.maximum === "number" ? schema.maximum : undefined;
      const value = min ?? (max !== undefined ? Math.min(max, 1) : 1);
      return type === "integer" ? Math.ceil(value) : value;
    }
    case "boolean":
      return true;
    case "null":
      return null;
    case "array": {
      const count = Math.min(typeof schema.minItems === "number" ? Math.max(schema.minItems, 1) : 1, 3);
      return Array.from({ length: count }, () => exampleValue(schema.items, depth + 1));
    }
    case "object":
    default:
      if (type === undefined && !isSchema(schema.properties)) return type === undefined && depth === 0 ? {} : null;
      return exampleObject(schema, depth);
  }
}

function exampleString(schema: Schema): string {
  const formats: Record<string, string> = {
    email: "ada@example.com",
    uri: "https://example.com",
    url: "https://example.com",
    date: "2026-01-31",
    "date-time": "2026-01-31T12:00:00Z",
    uuid: "123e4567-e89b-12d3-a456-426614174000",
  };
  const base = (typeof schema.format === "string" && formats[schema.format]) || "text";
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  return base.length >= min ? base : base.padEnd(min, "x");
}

function exampleObject(schema: Schema, depth: number): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : []);
  // Every required property; the optional ones too when there are only a few.
  const names = Object.keys(properties).filter((name) => required.has(name) || Object.keys(properties).length <= 4);
  const value: Record<string, unknown> = {};
  for (const name of names.slice(0, MAX_PROPERTIES)) value[name] = exampleValue(properties[name], depth + 1);
  return value;
}

export type ExampleRequests = { curl: string; javascript: string; python: string; body: string };

/** The three ways to run `slug` with `input`, reading the key from AINOMADS_API_KEY. */
export function exampleRequests(origin: string, slug: string, input: unknown): ExampleRequests {
  const url = `${origin}/api/v1/agents/${encodeURIComponent(slug)}/runs`;
  const body = JSON.stringify({ input });
  const pretty = JSON.stringify({ input }, null, 2);
  const shellQuoted = `'${body.replace(/'/g, `'\\''`)}'`;
  const curl = [
    `curl -X POST ${url} \\`,
    `  -H "Authorization: Bearer $AINOMADS_API_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -H "Idempotency-Key: $(uuidgen 2>/dev/null || date +%s%N)" \\`,
    `  -d ${shellQuoted}`,
  ].join("\n");
  const javascript = [
    `const response = await fetch(${JSON.stringify(url)}, {`,
    `  method: "POST",`,
    `  headers: {`,
    `    Authorization: \`Bearer \${process.env.AINOMADS_API_KEY}\`,`,
    `    "Content-Type": "application/json",`,
    `    "Idempotency-Key": crypto.randomUUID(),`,
    `  },`,
    `  body: JSON.stringify(${pretty.replace(/\n/g, "\n  ")}),`,
    `});`,
    `const run = await response.json();`,
    `console.log(run.status, run.output);`,
  ].join("\n");
  const python = [
    `import os, uuid, requests`,
    ``,
    `response = requests.post(`,
    `    ${JSON.stringify(url)},`,
    `    headers={`,
    `        "Authorization": f"Bearer {os.environ['AINOMADS_API_KEY']}",`,
    `        "Idempotency-Key": str(uuid.uuid4()),`,
    `    },`,
    `    json=${toPython({ input }, 4)},`,
    `)`,
    `run = response.json()`,
    `print(run["status"], run["output"])`,
  ].join("\n");
  return { curl, javascript, python, body };
}

/** A JSON value as a Python literal. */
function toPython(value: unknown, indent: number): string {
  const json = JSON.stringify(value, null, 4) ?? "None";
  // JSON strings are valid Python strings; only the three literals differ.
  return json
    .replace(/("(?:[^"\\]|\\.)*")|\btrue\b|\bfalse\b|\bnull\b/g, (match, string: string | undefined) =>
      string ? string : match === "true" ? "True" : match === "false" ? "False" : "None",
    )
    .replace(/\n/g, `\n${" ".repeat(indent)}`);
}
