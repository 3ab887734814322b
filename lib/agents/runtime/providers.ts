import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModel } from "ai";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { AgentSpec } from "../spec";

export type ProviderId = "openai" | "anthropic";

type ModelRef = NonNullable<AgentSpec["model"]>;

const setupHint: Record<ProviderId, string> = {
  openai:
    "Set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL (for example http://127.0.0.1:11434/v1 for Ollama) for any OpenAI-compatible server.",
  anthropic: "Set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a proxy).",
};

const list = (text: string) =>
  text
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);

function isConfigured(provider: ProviderId): boolean {
  return provider === "openai" ? Boolean(env.OPENAI_API_KEY || env.OPENAI_BASE_URL) : Boolean(env.ANTHROPIC_API_KEY);
}

/** The providers the environment configures, with the models the studio offers. */
export function configuredProviders(): { id: ProviderId; label: string; models: string[] }[] {
  const all = [
    { id: "openai" as const, label: "OpenAI-compatible", models: list(env.OPENAI_MODELS) },
    { id: "anthropic" as const, label: "Anthropic", models: list(env.ANTHROPIC_MODELS) },
  ];
  return all.filter((p) => isConfigured(p.id));
}

const listedModels = (provider: ProviderId) => list(provider === "openai" ? env.OPENAI_MODELS : env.ANTHROPIC_MODELS);

/**
 * Why an agent may not use this model, or null when it may: only the models the operator
 * lists (OPENAI_MODELS, ANTHROPIC_MODELS) unless MODEL_ALLOW_ANY is set, so a creator
 * cannot point the platform's provider account at any model it serves. Checked when a draft
 * is saved and again when a run asks for the model.
 */
export function modelProblem(model: ModelRef): string | null {
  if (env.MODEL_ALLOW_ANY || listedModels(model.provider).includes(model.id)) return null;
  return `The model ${model.id} is not offered here. Pick one of: ${listedModels(model.provider).join(", ") || "(none configured)"}.`;
}

/**
 * The AI SDK model for an agent's model setting. Throws PROVIDER_NOT_CONFIGURED, naming
 * the variables to set, when the environment has no such provider, and MODEL_NOT_ALLOWED
 * for a model the operator does not offer.
 */
export function getLanguageModel(model: ModelRef): LanguageModel {
  if (!isConfigured(model.provider)) {
    throw new AppError(
      "PROVIDER_NOT_CONFIGURED",
      `This agent needs the ${model.provider} provider. ${setupHint[model.provider]}`,
    );
  }
  const problem = modelProblem(model);
  if (problem) throw new AppError("MODEL_NOT_ALLOWED", problem);
  if (model.provider === "openai") {
    // Chat Completions: the API every OpenAI-compatible server implements.
    const openai = createOpenAI({ apiKey: env.OPENAI_API_KEY ?? "not-needed", baseURL: env.OPENAI_BASE_URL });
    return openai.chat(model.id);
  }
  return createAnthropic({ apiKey: env.ANTHROPIC_API_KEY, baseURL: env.ANTHROPIC_BASE_URL })(model.id);
}
