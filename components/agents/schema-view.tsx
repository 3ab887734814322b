/**
 * A JSON Schema as a buyer reads it: each property with its type, whether it is required,
 * its description and constraints, nested objects and array items indented. Bounded
 * (depth and properties), since creators write the schemas.
 */

type Schema = Record<string, unknown>;

const MAX_DEPTH = 5;
const MAX_ROWS = 60;
const INDENT = ["", "pl-4", "pl-8", "pl-12", "pl-16", "pl-20"];

const isSchema = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

type Row = { path: string; depth: number; type: string; required: boolean; notes: string[] };

function typeOf(schema: Schema): string {
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  if (typeof schema.type === "string") {
    if (schema.type === "array" && isSchema(schema.items)) return `array of ${typeOf(schema.items)}`;
    return schema.type;
  }
  if (Array.isArray(schema.enum)) return "enum";
  if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) return "one of several";
  return "any";
}

function notesOf(schema: Schema): string[] {
  const notes: string[] = [];
  if (typeof schema.description === "string") notes.push(schema.description);
  if (Array.isArray(schema.enum)) notes.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  if (typeof schema.format === "string") notes.push(`format ${schema.format}`);
  for (const [key, label] of [
    ["minimum", "≥"],
    ["maximum", "≤"],
    ["minLength", "at least {} characters"],
    ["maxLength", "at most {} characters"],
    ["minItems", "at least {} items"],
    ["maxItems", "at most {} items"],
  ] as const) {
    const value = schema[key];
    if (typeof value === "number")
      notes.push(label.includes("{}") ? label.replace("{}", String(value)) : `${label} ${value}`);
  }
  if (typeof schema.pattern === "string") notes.push(`matches ${schema.pattern}`);
  if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
  return notes;
}

function rowsOf(schema: Schema, prefix: string, depth: number, rows: Row[]): void {
  if (depth > MAX_DEPTH) return;
  const target = schema.type === "array" && isSchema(schema.items) ? schema.items : schema;
  if (!isSchema(target.properties)) return;
  const required = new Set(Array.isArray(target.required) ? target.required : []);
  for (const [name, child] of Object.entries(target.properties)) {
    if (rows.length >= MAX_ROWS) return;
    const path = prefix ? `${prefix}${target === schema ? "." : "[]."}${name}` : name;
    const sub = isSchema(child) ? child : {};
    rows.push({ path, depth, type: typeOf(sub), required: required.has(name), notes: notesOf(sub) });
    rowsOf(sub, path, depth + 1, rows);
  }
}

export function SchemaView({ schema, label }: { schema: unknown; label: string }) {
  const root = isSchema(schema) ? schema : {};
  const rows: Row[] = [];
  rowsOf(root, "", 0, rows);
  if (!rows.length) {
    return (
      <p className="text-sm text-muted-foreground">
        {typeOf(root) === "object" || typeOf(root) === "any"
          ? "Any JSON object: the creator did not describe its fields."
          : `A JSON ${typeOf(root)}.`}
      </p>
    );
  }
  return (
    <table className="w-full text-sm" aria-label={label}>
      <thead className="text-left text-muted-foreground">
        <tr>
          <th scope="col" className="py-1 pr-3 font-medium">
            Field
          </th>
          <th scope="col" className="py-1 pr-3 font-medium">
            Type
          </th>
          <th scope="col" className="py-1 font-medium">
            Notes
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.path} className="border-t align-top">
            <td className={`py-1 pr-3 ${INDENT[row.depth] ?? INDENT.at(-1)}`}>
              <code>{row.path.split(/\.|\[\]\./).pop()}</code>
              {row.required ? <span className="ml-1 text-xs text-destructive">required</span> : null}
            </td>
            <td className="py-1 pr-3 text-muted-foreground">{row.type}</td>
            <td className="py-1">{row.notes.join(" · ") || "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
