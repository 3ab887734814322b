import { z } from "zod";
import type { Db } from "@/db/client";
import { searchKnowledge } from "@/db/queries/knowledge";
import { AppError } from "@/lib/errors";
import type { AddressPolicy } from "./address-policy";
import { httpFetch, httpFetchInput } from "./http-fetch";

export type ToolContext = {
  db: Db;
  agentId: string;
  /** Frozen document ids of a published version; undefined for the draft. */
  knowledgeDocumentIds?: string[];
  policy: AddressPolicy;
  /** Whose run this is (`org:<id>` or `user:<id>`): outbound capacity is shared per tenant. */
  tenant: string;
  /** Aborted when the run has ended: every tool stops. */
  signal: AbortSignal;
  /** Runs a JavaScript function body in a fresh sandbox. */
  runCode: (code: string, input: unknown) => Promise<unknown>;
};

type ToolDefinition<S extends z.ZodType> = {
  description: string;
  input: S;
  run: (args: z.output<S>, ctx: ToolContext) => Promise<unknown>;
};

const define = <S extends z.ZodType>(def: ToolDefinition<S>) => def;

/** Every tool an agent can enable, with the schema its arguments must match. */
export const toolRegistry = {
  knowledge_search: define({
    description:
      "Search the agent's knowledge documents. Returns the best matching passages with their document titles.",
    input: z.object({
      query: z.string().min(1).max(500).describe("What to look for, in plain words"),
      limit: z.number().int().min(1).max(10).default(5),
    }),
    run: async (args, ctx) => {
      const hits = await searchKnowledge(ctx.db, {
        agentId: ctx.agentId,
        query: args.query,
        documentIds: ctx.knowledgeDocumentIds,
        limit: args.limit,
      });
      return hits.map((h) => ({ title: h.title, content: h.content, rank: Number(h.rank) }));
    },
  }),
  http_fetch: define({
    description: "Fetch a public http(s) URL. Returns status, content type and the body as text (capped at 1 MB).",
    input: httpFetchInput,
    run: (args, ctx) => httpFetch(args, { policy: ctx.policy, tenant: ctx.tenant, signal: ctx.signal }),
  }),
  run_code: define({
    description:
      "Run a JavaScript function body in a sandbox and return what it returns. `input` holds the given input. No network or file access.",
    input: z.object({ code: z.string().min(1).max(20_000), input: z.unknown().optional() }),
    run: (args, ctx) => ctx.runCode(args.code, args.input ?? null),
  }),
} as const;

export type ToolName = keyof typeof toolRegistry;

export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(toolRegistry, name);
}

/** Validates the arguments and runs a tool; bad arguments are the caller's error. */
export async function callTool(name: string, rawArgs: unknown, ctx: ToolContext): Promise<unknown> {
  if (!isToolName(name)) throw new AppError("TOOL_FAILED", `Unknown tool ${name}.`);
  const tool = toolRegistry[name];
  const parsed = tool.input.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    throw new AppError(
      "TOOL_FAILED",
      `Invalid arguments for ${name}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "args"} ${i.message}`).join("; ")}`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed args match the tool's own schema
  return tool.run(parsed.data as any, ctx);
}
