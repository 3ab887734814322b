import { expect, test } from "vitest";
import { apiKeyFormInput, createApiKeySchema } from "./schemas";

const ORG = "0b9a7c53-2f8e-4d4c-9a43-5d1f0b0f6a11";
const [A, B] = ["6f1c0f3e-8a0e-4b7c-9f5e-0c6d1e2f3a4b", "7a2d1e4f-9b1f-4c8d-8e6f-1d7e2f3a4b5c"];

test("the create-key form's fields become the schema's input: every ticked agent, blanks as null", () => {
  const form = new FormData();
  form.set("orgId", ORG);
  form.set("name", " billing ");
  form.append("agentIds", A);
  form.append("agentIds", B);
  form.set("rateLimitPerMinute", "120");
  form.set("monthlyRunCap", "");
  form.set("pinnedVersionId", "");
  expect(createApiKeySchema.parse(apiKeyFormInput(form))).toEqual({
    orgId: ORG,
    name: "billing",
    agentIds: [A, B],
    rateLimitPerMinute: 120,
    monthlyRunCap: null,
    pinnedVersionId: null,
  });
  form.set("monthlyRunCap", "5000");
  form.delete("rateLimitPerMinute");
  expect(createApiKeySchema.parse(apiKeyFormInput(form))).toMatchObject({
    rateLimitPerMinute: 60,
    monthlyRunCap: 5000,
  });
  form.set("monthlyRunCap", "lots");
  expect(createApiKeySchema.safeParse(apiKeyFormInput(form)).success).toBe(false);
});
