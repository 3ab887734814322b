import { z } from "zod";
import { webhookEventTypes } from "@/lib/webhooks/events";

export const createWebhookSchema = z.object({
  orgId: z.uuid(),
  url: z
    .string()
    .trim()
    .min(1, "Enter the URL that receives the events.")
    .max(2000, "Use a URL of at most 2,000 characters.")
    .pipe(z.url({ protocol: /^https?$/, error: "Enter an http(s) URL, e.g. https://example.com/hooks/ai-nomads." })),
  description: z.string().trim().max(200, "Use at most 200 characters.").default(""),
  events: z
    .array(z.enum(webhookEventTypes, { error: "Choose events from the list." }))
    .min(1, "Choose at least one event.")
    .max(webhookEventTypes.length),
});
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;

/** The form's fields as the schema's input: every ticked event. */
export function webhookFormInput(form: FormData): CreateWebhookInput {
  const text = (name: string) => String(form.get(name) ?? "");
  return {
    orgId: text("orgId"),
    url: text("url"),
    description: text("description"),
    events: form.getAll("events").map(String) as CreateWebhookInput["events"],
  };
}

export const endpointRefSchema = z.object({ orgId: z.uuid(), endpointId: z.uuid() });
export const setEndpointEnabledSchema = endpointRefSchema.extend({ enabled: z.boolean() });
export const deliveryRefSchema = z.object({ orgId: z.uuid(), deliveryId: z.uuid() });
