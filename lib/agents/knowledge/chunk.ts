import { AppError } from "@/lib/errors";

export type KnowledgeFormat = "text" | "markdown" | "csv" | "json";

const TARGET = 1_200;

/** Packs pieces into chunks of about TARGET characters, splitting pieces that are too long. */
function pack(pieces: string[], prefix = ""): string[] {
  const chunks: string[] = [];
  let current = "";
  const flush = () => {
    if (current.trim()) chunks.push(prefix + current.trim());
    current = "";
  };
  for (const piece of pieces) {
    if (piece.length > TARGET) {
      flush();
      for (let i = 0; i < piece.length; i += TARGET) chunks.push(prefix + piece.slice(i, i + TARGET).trim());
      continue;
    }
    if (current.length + piece.length + 2 > TARGET) flush();
    current += (current ? "\n\n" : "") + piece;
  }
  flush();
  return chunks.filter((c) => c.trim());
}

function chunkMarkdown(text: string): string[] {
  // Split at headings; each chunk carries its heading so a search hit has context.
  const sections: { heading: string; body: string[] }[] = [{ heading: "", body: [] }];
  let inFence = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = !inFence && /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) sections.push({ heading: heading[2]!.trim(), body: [] });
    else sections.at(-1)!.body.push(line);
  }
  return sections.flatMap((s) => pack(s.body.join("\n").split(/\n\s*\n/), s.heading ? `${s.heading}\n` : ""));
}

function chunkCsv(text: string): string[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const [header, ...rows] = lines;
  if (!header) return [];
  const chunks: string[] = [];
  let current: string[] = [];
  let size = header.length;
  for (const row of rows) {
    if (size + row.length > TARGET && current.length) {
      chunks.push([header, ...current].join("\n"));
      current = [];
      size = header.length;
    }
    current.push(row);
    size += row.length + 1;
  }
  if (current.length || chunks.length === 0) chunks.push([header, ...current].join("\n"));
  return chunks;
}

function chunkJson(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new AppError("INVALID_INPUT", "That is not valid JSON.", {
      cause,
      fieldErrors: { content: ["That is not valid JSON."] },
    });
  }
  if (Array.isArray(value)) return pack(value.map((v) => JSON.stringify(v)));
  if (value && typeof value === "object") {
    return pack(Object.entries(value).map(([k, v]) => `${k}: ${JSON.stringify(v)}`));
  }
  return [JSON.stringify(value)];
}

/** Splits a document into searchable chunks according to its format. */
export function chunkDocument(content: string, format: KnowledgeFormat): string[] {
  switch (format) {
    case "markdown":
      return chunkMarkdown(content);
    case "csv":
      return chunkCsv(content);
    case "json":
      return chunkJson(content);
    default:
      return pack(content.split(/\n\s*\n/));
  }
}

/** The format implied by a file name, for uploads. */
export function formatFromFileName(name: string): KnowledgeFormat {
  const ext = name.toLowerCase().split(".").pop();
  if (ext === "md" || ext === "markdown") return "markdown";
  if (ext === "csv") return "csv";
  if (ext === "json") return "json";
  return "text";
}
