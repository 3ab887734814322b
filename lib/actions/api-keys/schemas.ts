import { z } from "zod";

export const createApiKeySchema = z.object({
  orgId: z.uuid(),
  name: z
    .string()
    .trim()
    .min(1, "Name the key, e.g. after the system that uses it.")
    .max(80, "Use at most 80 characters."),
  agentIds: z.array(z.uuid()).min(1, "Choose at least one agent this key may run.").max(100),
  rateLimitPerMinute: z.coerce
    .number({ error: "Enter a number of requests per minute." })
    .int("Use a whole number.")
    .min(1, "Allow at least 1 request per minute.")
    .max(10_000, "At most 10,000 requests per minute."),
  monthlyRunCap: z.coerce
    .number()
    .int("Use a whole number.")
    .min(1, "The cap must be at least 1 run.")
    .max(100_000_000)
    .nullable(),
  pinnedVersionId: z.uuid().nullable(),
});

export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

/** The create-key form's fields as the schema's input: every ticked agent, empty optional fields as null. */
export function apiKeyFormInput(form: FormData): CreateApiKeyInput {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  return {
    orgId: text("orgId"),
    name: text("name"),
    agentIds: form.getAll("agentIds").map(String),
    rateLimitPerMinute: text("rateLimitPerMinute") || 60,
    monthlyRunCap: text("monthlyRunCap") || null,
    pinnedVersionId: text("pinnedVersionId") || null,
  };
}
