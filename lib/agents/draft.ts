import { isAddress } from "viem";
import { z } from "zod";
import { schemaProblems } from "./runtime/json-schema";
import { modelProblem } from "./runtime/providers";
import { agentDetailsSchema, agentSpecSchema } from "./spec";

/** What the studio saves: the agent's details and its draft spec, side by side. */
export const draftSchema = agentDetailsSchema
  .extend(agentSpecSchema.omit({ knowledgeDocumentIds: true }).shape)
  .superRefine((draft, ctx) => {
    for (const key of ["inputSchema", "outputSchema"] as const) {
      const schema = draft[key];
      if (schema === null) continue;
      for (const message of schemaProblems(schema)) ctx.addIssue({ code: "custom", path: [key], message });
    }
    const model = draft.model && modelProblem(draft.model);
    if (model) ctx.addIssue({ code: "custom", path: ["model"], message: model });
  });

export type Draft = z.output<typeof draftSchema>;

/** Splits a validated draft into the agent's details and its spec. */
export function splitDraft(draft: Draft) {
  const { name, description, category, tags, ...spec } = draft;
  return { details: { name, description, category, tags }, spec: agentSpecSchema.parse(spec) };
}

export const MAX_PAYEES = 10;

/** Price and payees a creator sets when publishing; money is integer wei as a string. */
export const listingSchema = z.object({
  priceWei: z
    .string()
    .trim()
    .regex(/^\d{1,78}$/, "Enter a whole number of wei (no decimals)."),
  payees: z
    .array(
      z.object({
        address: z
          .string()
          .trim()
          .refine((a) => isAddress(a), "Enter a valid 0x address."),
        shareBps: z.number().int().min(1, "Each share must be at least 1 basis point.").max(10_000),
      }),
    )
    .max(MAX_PAYEES, `At most ${MAX_PAYEES} payees.`)
    .superRefine((payees, ctx) => {
      if (payees.length === 0) return;
      const total = payees.reduce((sum, p) => sum + p.shareBps, 0);
      if (total !== 10_000)
        ctx.addIssue({ code: "custom", message: `Shares must add up to 10,000 basis points (now ${total}).` });
      const unique = new Set(payees.map((p) => p.address.toLowerCase()));
      if (unique.size !== payees.length)
        ctx.addIssue({ code: "custom", message: "Each payee address may appear once." });
    }),
});
