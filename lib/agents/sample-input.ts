/** A starting input for the playground, shaped after the agent's input schema. */
export function sampleInput(schema: unknown): unknown {
  const s = (schema ?? {}) as {
    type?: unknown;
    properties?: Record<string, unknown>;
    items?: unknown;
    default?: unknown;
    enum?: unknown[];
  };
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  switch (Array.isArray(s.type) ? s.type[0] : s.type) {
    case "object":
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sampleInput(v)]));
    case "array":
      return [];
    case "string":
      return "";
    case "number":
    case "integer":
      return 0;
    case "boolean":
      return false;
    default:
      return s.properties ? sampleInput({ ...s, type: "object" }) : {};
  }
}
