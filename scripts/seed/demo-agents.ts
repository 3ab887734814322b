import type { AgentCategory, AgentSpec } from "@/lib/agents/spec";

export type DemoAgent = {
  slug: string;
  name: string;
  description: string;
  category: AgentCategory;
  tags: string[];
  priceWei: string;
  spec: Partial<AgentSpec>;
};

/**
 * The agents a new install shows in the marketplace. The code agents run without any
 * model provider; each handler receives the validated input and a `ctx` object.
 */
export const demoAgents: DemoAgent[] = [
  {
    slug: "csv-stats",
    name: "CSV Statistics",
    description:
      "Paste a CSV file and get per-column statistics: count, missing values, min, max, mean, median and the most frequent values.",
    category: "data",
    tags: ["csv", "statistics", "data-cleaning"],
    priceWei: "1000000000000000",
    spec: {
      inputSchema: {
        type: "object",
        required: ["csv"],
        properties: {
          csv: {
            type: "string",
            description: "CSV text with a header row",
            examples: ["city,temp\nOslo,3\nLisbon,17\nCairo,24"],
          },
        },
      },
      code: `async function handler(input, ctx) {
  const rows = [];
  let field = "", row = [], quoted = false;
  const text = String(input.csv);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\\n" || c === "\\r") {
      if (c === "\\r" && text[i + 1] === "\\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  const [header, ...data] = rows.filter((r) => r.some((v) => v.trim() !== ""));
  if (!header) throw new Error("The CSV has no header row.");
  ctx.log("parsed " + data.length + " rows");
  const columns = header.map((name, j) => {
    const values = data.map((r) => (r[j] ?? "").trim());
    const present = values.filter((v) => v !== "");
    const numbers = present.map(Number).filter((n) => Number.isFinite(n));
    const counts = {};
    for (const v of present) counts[v] = (counts[v] || 0) + 1;
    const top = Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([value, count]) => ({ value, count }));
    const col = { name, count: present.length, missing: values.length - present.length, top };
    if (numbers.length === present.length && numbers.length > 0) {
      const sorted = numbers.slice().sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      col.min = sorted[0];
      col.max = sorted[sorted.length - 1];
      col.mean = sorted.reduce((s, n) => s + n, 0) / sorted.length;
      col.median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
    return col;
  });
  return { rows: data.length, columns };
}`,
    },
  },
  {
    slug: "json-schema-validator",
    name: "JSON Schema Validator",
    description:
      "Checks a JSON document against a JSON Schema (types, required, enum, ranges, lengths, patterns, nested objects and arrays) and reports every error with its path.",
    category: "developer",
    tags: ["json", "schema", "validation"],
    priceWei: "500000000000000",
    spec: {
      inputSchema: {
        type: "object",
        required: ["schema", "document"],
        properties: { schema: { type: "object" }, document: {} },
      },
      code: `async function handler(input, ctx) {
  const errors = [];
  const typeOf = (v) => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);
  const matches = (t, v) => t === typeOf(v) || (t === "number" && typeOf(v) === "integer");
  function check(s, v, path) {
    if (!s || typeof s !== "object") return;
    if (s.type) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.some((t) => matches(t, v))) { errors.push({ path, message: "expected " + types.join(" or ") + ", got " + typeOf(v) }); return; }
    }
    if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) errors.push({ path, message: "must be one of " + JSON.stringify(s.enum) });
    if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(v)) errors.push({ path, message: "must equal " + JSON.stringify(s.const) });
    if (typeof v === "number") {
      if (s.minimum !== undefined && v < s.minimum) errors.push({ path, message: "must be >= " + s.minimum });
      if (s.maximum !== undefined && v > s.maximum) errors.push({ path, message: "must be <= " + s.maximum });
    }
    if (typeof v === "string") {
      if (s.minLength !== undefined && v.length < s.minLength) errors.push({ path, message: "must have at least " + s.minLength + " characters" });
      if (s.maxLength !== undefined && v.length > s.maxLength) errors.push({ path, message: "must have at most " + s.maxLength + " characters" });
      if (s.pattern && !new RegExp(s.pattern).test(v)) errors.push({ path, message: "must match " + s.pattern });
    }
    if (Array.isArray(v)) {
      if (s.minItems !== undefined && v.length < s.minItems) errors.push({ path, message: "must have at least " + s.minItems + " items" });
      if (s.maxItems !== undefined && v.length > s.maxItems) errors.push({ path, message: "must have at most " + s.maxItems + " items" });
      if (s.items) v.forEach((item, i) => check(s.items, item, path + "/" + i));
    }
    if (typeOf(v) === "object") {
      for (const key of s.required || []) if (!(key in v)) errors.push({ path, message: "missing required property " + key });
      for (const [key, sub] of Object.entries(s.properties || {})) if (key in v) check(sub, v[key], path + "/" + key);
      if (s.additionalProperties === false) {
        for (const key of Object.keys(v)) if (!(s.properties || {})[key]) errors.push({ path: path + "/" + key, message: "is not allowed" });
      }
    }
  }
  check(input.schema, input.document, "");
  ctx.log(errors.length + " error(s)");
  return { valid: errors.length === 0, errors };
}`,
    },
  },
  {
    slug: "entity-extractor",
    name: "Entity Extractor",
    description:
      "Pulls emails, URLs, phone numbers, dates, amounts of money, hashtags and Ethereum addresses out of any text, with counts and positions.",
    category: "research",
    tags: ["extraction", "regex", "nlp"],
    priceWei: "300000000000000",
    spec: {
      inputSchema: { type: "object", required: ["text"], properties: { text: { type: "string" } } },
      code: `async function handler(input, ctx) {
  const text = String(input.text);
  const patterns = {
    email: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}/g,
    url: /https?:\\/\\/[^\\s<>"')]+/g,
    phone: /\\+?\\d[\\d ().-]{7,}\\d/g,
    date: /\\b(\\d{4}-\\d{2}-\\d{2}|\\d{1,2}\\/\\d{1,2}\\/\\d{2,4})\\b/g,
    money: /(?:[$€£]\\s?\\d[\\d,]*(?:\\.\\d+)?|\\b\\d[\\d,]*(?:\\.\\d+)?\\s?(?:USD|EUR|GBP|ETH)\\b)/g,
    hashtag: /(?:^|\\s)(#[A-Za-z][\\w-]*)/g,
    ethAddress: /\\b0x[a-fA-F0-9]{40}\\b/g,
  };
  const entities = {};
  for (const [kind, re] of Object.entries(patterns)) {
    const found = [];
    for (const m of text.matchAll(re)) {
      const value = (m[1] || m[0]).trim();
      found.push({ value, index: m.index + m[0].indexOf(value) });
    }
    entities[kind] = found;
    ctx.log(kind + ": " + found.length);
  }
  return { entities, total: Object.values(entities).reduce((n, list) => n + list.length, 0) };
}`,
    },
  },
  {
    slug: "markdown-outline",
    name: "Markdown Outline",
    description:
      "Turns a Markdown document into a nested outline of its headings with anchors, word counts per section and a reading-time estimate.",
    category: "writing",
    tags: ["markdown", "outline", "docs"],
    priceWei: "200000000000000",
    spec: {
      inputSchema: {
        type: "object",
        required: ["markdown"],
        properties: { markdown: { type: "string", examples: ["# Title\n\n## Part one\n\nText.\n\n## Part two"] } },
      },
      code: `async function handler(input, ctx) {
  const lines = String(input.markdown).split(/\\r?\\n/);
  const root = { level: 0, children: [] };
  const stack = [root];
  let current = null, inFence = false, totalWords = 0;
  const slug = (t) => t.toLowerCase().replace(/[^a-z0-9 -]/g, "").trim().replace(/\\s+/g, "-");
  for (const line of lines) {
    if (/^\\s*(\`\`\`|~~~)/.test(line)) inFence = !inFence;
    const m = !inFence && /^(#{1,6})\\s+(.*?)\\s*#*\\s*$/.exec(line);
    if (m) {
      const node = { level: m[1].length, title: m[2], anchor: slug(m[2]), words: 0, children: [] };
      while (stack[stack.length - 1].level >= node.level) stack.pop();
      stack[stack.length - 1].children.push(node);
      stack.push(node);
      current = node;
    } else {
      const words = line.split(/\\s+/).filter(Boolean).length;
      totalWords += words;
      if (current) current.words += words;
    }
  }
  ctx.log(totalWords + " words");
  return { outline: root.children, words: totalWords, readingMinutes: Math.max(1, Math.round(totalWords / 230)) };
}`,
    },
  },
  {
    slug: "research-brief",
    name: "Research Brief",
    description:
      "Writes a structured brief on a question: summary, key points, open questions and suggested sources. Needs a model provider (OpenAI-compatible or Anthropic).",
    category: "research",
    tags: ["llm", "summary", "research"],
    priceWei: "2000000000000000",
    spec: {
      systemPrompt:
        "You are a careful research assistant. Answer with a short summary, 3-7 key points, open questions and kinds of sources to check. Say when you are unsure.",
      model: { provider: "openai", id: "gpt-4o-mini" },
      inputSchema: { type: "object", required: ["question"], properties: { question: { type: "string" } } },
    },
  },
];
