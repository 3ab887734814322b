import { z } from "zod";

/** The longest a run may take (limits.timeoutMs). */
export const MAX_TIMEOUT_MS = 120_000;

export const agentCategories = [
  "data",
  "developer",
  "writing",
  "research",
  "productivity",
  "finance",
  "other",
] as const;
export type AgentCategory = (typeof agentCategories)[number];

export const toolNames = ["knowledge_search", "http_fetch", "run_code"] as const;

/** JSON Schema documents are stored as given; they are validated when compiled. */
const jsonSchemaObject = z.record(z.string(), z.unknown());

/** What a version of an agent is: frozen into agent_versions.spec when published. */
export const agentSpecSchema = z.object({
  systemPrompt: z.string().max(20_000).default(""),
  model: z
    .object({
      provider: z.enum(["openai", "anthropic"]),
      id: z.string().min(1).max(200),
    })
    .nullable()
    .default(null),
  tools: z.array(z.enum(toolNames)).max(toolNames.length).default([]),
  code: z.string().max(100_000).nullable().default(null),
  inputSchema: jsonSchemaObject.default({ type: "object" }),
  outputSchema: jsonSchemaObject.nullable().default(null),
  /** Set when a version is published: the knowledge documents it searches. */
  knowledgeDocumentIds: z.array(z.uuid()).optional(),
  limits: z
    .object({
      timeoutMs: z.number().int().min(100).max(MAX_TIMEOUT_MS).default(10_000),
      maxSteps: z.number().int().min(1).max(50).default(8),
      maxOutputTokens: z.number().int().min(1).max(32_000).default(1_024),
    })
    .prefault({}),
});

export type AgentSpec = z.infer<typeof agentSpecSchema>;

/** Name, description, category and tags: what a creator sets to create a draft. */
export const agentDetailsSchema = z.object({
  name: z.string().trim().min(3, "Use at least 3 characters.").max(80, "Use at most 80 characters."),
  description: z.string().trim().max(2_000, "Use at most 2,000 characters.").default(""),
  category: z.enum(agentCategories, { error: "Pick a category." }),
  tags: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "Tags are lowercase words or hyphens, at most 32 characters."),
    )
    .max(10, "Use at most 10 tags.")
    .default([])
    .transform((tags) => [...new Set(tags)]),
});

export type AgentDetails = z.infer<typeof agentDetailsSchema>;

/** "a, b  c" → ["a", "b", "c"]: how the tag field is typed in forms. */
export function parseTagList(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}
