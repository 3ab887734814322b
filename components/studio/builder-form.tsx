"use client";

import { useCallback, useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { saveDraftAction } from "@/lib/actions/agents/save-draft";
import type { ActionError } from "@/lib/actions/define-action";
import { agentCategories, parseTagList, type AgentSpec } from "@/lib/agents/spec";
import { CodeEditor } from "./code-editor";

export type ProviderOption = { id: "openai" | "anthropic"; label: string; models: string[] };
export type BuilderHandle = { flush: () => Promise<boolean> };

const toolInfo = [
  { id: "knowledge_search", label: "Knowledge search", hint: "Search this agent's knowledge documents." },
  { id: "http_fetch", label: "HTTP fetch", hint: "Fetch public URLs (private addresses are refused)." },
  { id: "run_code", label: "Run code", hint: "Let the model run JavaScript in the sandbox." },
] as const;

export const starterCode = `async function handler(input, ctx) {
  ctx.log("received", input);
  return { echo: input };
}`;

type State = {
  name: string;
  description: string;
  category: string;
  tags: string;
  systemPrompt: string;
  provider: "" | "openai" | "anthropic";
  modelId: string;
  tools: string[];
  codeEnabled: boolean;
  code: string;
  inputSchema: string;
  outputSchema: string;
  timeoutMs: string;
  maxSteps: string;
  maxOutputTokens: string;
};

function initialState(agent: BuilderAgent): State {
  const spec = agent.spec;
  return {
    name: agent.name,
    description: agent.description,
    category: agent.category,
    tags: agent.tags.join(", "),
    systemPrompt: spec.systemPrompt,
    provider: spec.model?.provider ?? "",
    modelId: spec.model?.id ?? "",
    tools: [...spec.tools],
    codeEnabled: spec.code !== null,
    code: spec.code ?? starterCode,
    inputSchema: JSON.stringify(spec.inputSchema, null, 2),
    outputSchema: spec.outputSchema ? JSON.stringify(spec.outputSchema, null, 2) : "",
    timeoutMs: String(spec.limits.timeoutMs),
    maxSteps: String(spec.limits.maxSteps),
    maxOutputTokens: String(spec.limits.maxOutputTokens),
  };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export type BuilderAgent = {
  id: string;
  name: string;
  description: string;
  category: string;
  tags: string[];
  spec: AgentSpec;
};

type SaveStatus = { kind: "idle" | "saving" | "saved" | "error"; message?: string };

export function BuilderForm({
  agent,
  providers,
  handleRef,
}: {
  agent: BuilderAgent;
  providers: ProviderOption[];
  handleRef: Ref<BuilderHandle>;
}) {
  const [state, setState] = useState<State>(() => initialState(agent));
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [status, setStatus] = useState<SaveStatus>({ kind: "idle" });
  const dirty = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const latest = useRef(state);

  const save = useCallback(async (): Promise<boolean> => {
    const s = latest.current;
    const local: Record<string, string> = {};
    const inputSchema = parseJson(s.inputSchema);
    if (!inputSchema.ok) local.inputSchema = "This is not valid JSON.";
    const outputSchema = s.outputSchema.trim() ? parseJson(s.outputSchema) : { ok: true as const, value: null };
    if (!outputSchema.ok) local.outputSchema = "This is not valid JSON.";
    if (s.provider && !s.modelId.trim()) local.model = "Enter a model id.";
    if (Object.keys(local).length) {
      setErrors(local);
      setStatus({ kind: "error", message: "Not saved: fix the highlighted fields." });
      return false;
    }
    dirty.current = false;
    setStatus({ kind: "saving" });
    const result = await saveDraftAction({
      agentId: agent.id,
      name: s.name,
      description: s.description,
      category: s.category as (typeof agentCategories)[number],
      tags: parseTagList(s.tags),
      systemPrompt: s.systemPrompt,
      model: s.provider ? { provider: s.provider, id: s.modelId.trim() } : null,
      tools: s.tools as AgentSpec["tools"],
      code: s.codeEnabled ? s.code : null,
      inputSchema: (inputSchema.ok ? inputSchema.value : {}) as Record<string, unknown>,
      outputSchema: (outputSchema.ok ? outputSchema.value : null) as Record<string, unknown> | null,
      limits: {
        timeoutMs: Number(s.timeoutMs),
        maxSteps: Number(s.maxSteps),
        maxOutputTokens: Number(s.maxOutputTokens),
      },
    }).catch((): { ok: false; error: ActionError } => ({
      ok: false,
      error: { code: "INTERNAL", message: "Could not reach the server." },
    }));
    if (result.ok) {
      setErrors({});
      setStatus(dirty.current ? { kind: "saving" } : { kind: "saved" });
      return true;
    }
    const fieldErrors = result.error.fieldErrors ?? {};
    setErrors(Object.fromEntries(Object.entries(fieldErrors).map(([k, v]) => [k, v[0]])));
    setStatus({
      kind: "error",
      message: Object.keys(fieldErrors).length ? "Not saved: fix the highlighted fields." : result.error.message,
    });
    return false;
  }, [agent.id]);

  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    if (inFlight.current) await inFlight.current;
    if (!dirty.current && status.kind !== "error") return true;
    inFlight.current = save();
    try {
      return await inFlight.current;
    } finally {
      inFlight.current = null;
    }
  }, [save, status.kind]);

  useImperativeHandle(handleRef, () => ({ flush }), [flush]);

  const update = <K extends keyof State>(key: K, value: State[K]) => {
    setState((prev) => {
      const next = { ...prev, [key]: value };
      latest.current = next;
      return next;
    });
    dirty.current = true;
    setStatus({ kind: "saving" });
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), 800);
  };

  useEffect(() => () => clearTimeout(timer.current), []);

  const models = providers.find((p) => p.id === state.provider)?.models ?? [];
  return (
    <div className="space-y-4">
      <p className="text-sm" role="status" data-testid="save-status">
        {status.kind === "saving" ? (
          "Saving…"
        ) : status.kind === "saved" ? (
          "All changes saved"
        ) : status.kind === "error" ? (
          <span className="text-destructive">{status.message}</span>
        ) : (
          "Changes save automatically."
        )}
      </p>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Details</CardTitle>
          </CardHeader>
          <CardContent className="space-y-4">
            <Field id="b-name" label="Name" error={errors.name}>
              <Input value={state.name} onChange={(e) => update("name", e.target.value)} />
            </Field>
            <Field id="b-description" label="Description" error={errors.description}>
              <Textarea value={state.description} onChange={(e) => update("description", e.target.value)} />
            </Field>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field id="b-category" label="Category" error={errors.category}>
                <Select value={state.category} onChange={(e) => update("category", e.target.value)}>
                  {agentCategories.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field id="b-tags" label="Tags" error={errors.tags}>
                <Input value={state.tags} onChange={(e) => update("tags", e.target.value)} />
              </Field>
            </div>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Model and prompt</CardTitle>
          </CardHeader>
          <CardContent className="space-y-4">
            <div className="grid gap-4 sm:grid-cols-2">
              <Field
                id="b-provider"
                label="Model provider"
                error={errors.model}
                hint={
                  providers.length === 0
                    ? "No provider is configured on this server (set OPENAI_API_KEY, OPENAI_BASE_URL or ANTHROPIC_API_KEY)."
                    : undefined
                }
              >
                <Select
                  value={state.provider}
                  onChange={(e) => update("provider", e.target.value as State["provider"])}
                >
                  <option value="">No model (code only)</option>
                  <option value="openai">
                    OpenAI-compatible{providers.some((p) => p.id === "openai") ? "" : " (not configured)"}
                  </option>
                  <option value="anthropic">
                    Anthropic{providers.some((p) => p.id === "anthropic") ? "" : " (not configured)"}
                  </option>
                </Select>
              </Field>
              <Field id="b-model" label="Model id">
                <Input
                  value={state.modelId}
                  disabled={!state.provider}
                  list="b-model-options"
                  placeholder={models[0] ?? "model id"}
                  onChange={(e) => update("modelId", e.target.value)}
                />
              </Field>
              <datalist id="b-model-options">
                {models.map((m) => (
                  <option key={m} value={m} />
                ))}
              </datalist>
            </div>
            <Field id="b-prompt" label="System prompt" error={errors.systemPrompt}>
              <Textarea
                className="min-h-32 font-mono"
                value={state.systemPrompt}
                onChange={(e) => update("systemPrompt", e.target.value)}
              />
            </Field>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Tools</CardTitle>
          </CardHeader>
          <CardContent className="space-y-3">
            {toolInfo.map((t) => (
              <label key={t.id} className="flex items-start gap-3 text-sm max-md:min-h-11">
                <input
                  type="checkbox"
                  className="mt-1"
                  checked={state.tools.includes(t.id)}
                  onChange={(e) =>
                    update("tools", e.target.checked ? [...state.tools, t.id] : state.tools.filter((x) => x !== t.id))
                  }
                />
                <span>
                  <span className="font-medium">{t.label}</span>
                  <span className="block text-muted-foreground">{t.hint}</span>
                </span>
              </label>
            ))}
            <div className="grid gap-3 pt-2 sm:grid-cols-3">
              <Field id="b-timeout" label="Timeout (ms)" error={errors.limits}>
                <Input
                  type="number"
                  min={100}
                  max={120000}
                  value={state.timeoutMs}
                  onChange={(e) => update("timeoutMs", e.target.value)}
                />
              </Field>
              <Field id="b-steps" label="Max steps">
                <Input
                  type="number"
                  min={1}
                  max={50}
                  value={state.maxSteps}
                  onChange={(e) => update("maxSteps", e.target.value)}
                />
              </Field>
              <Field id="b-tokens" label="Max output tokens">
                <Input
                  type="number"
                  min={1}
                  max={32000}
                  value={state.maxOutputTokens}
                  onChange={(e) => update("maxOutputTokens", e.target.value)}
                />
              </Field>
            </div>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Input and output schema</CardTitle>
          </CardHeader>
          <CardContent className="space-y-4">
            <div className="space-y-1.5">
              <p className="text-sm font-medium">Input schema (JSON Schema)</p>
              <CodeEditor
                language="json"
                label="Input schema"
                value={state.inputSchema}
                invalid={Boolean(errors.inputSchema)}
                onChange={(v) => update("inputSchema", v)}
                minHeight="100px"
              />
              {errors.inputSchema ? (
                <p role="alert" className="text-sm text-destructive">
                  {errors.inputSchema}
                </p>
              ) : null}
            </div>
            <div className="space-y-1.5">
              <p className="text-sm font-medium">Output schema (optional)</p>
              <CodeEditor
                language="json"
                label="Output schema"
                value={state.outputSchema}
                invalid={Boolean(errors.outputSchema)}
                onChange={(v) => update("outputSchema", v)}
                minHeight="60px"
              />
              {errors.outputSchema ? (
                <p role="alert" className="text-sm text-destructive">
                  {errors.outputSchema}
                </p>
              ) : null}
            </div>
          </CardContent>
        </Card>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Handler code</CardTitle>
          <label className="flex items-start gap-2 text-sm max-md:min-h-11">
            <input
              type="checkbox"
              className="mt-1"
              checked={state.codeEnabled}
              onChange={(e) => update("codeEnabled", e.target.checked)}
            />
            <span className="min-w-0 break-words">
              Run JavaScript code (gets <code>input</code> and <code>ctx</code>: <code>ctx.log</code>,{" "}
              <code>ctx.llm</code>, <code>ctx.tools.*</code>)
            </span>
          </label>
        </CardHeader>
        {state.codeEnabled ? (
          <CardContent className="space-y-1.5">
            <CodeEditor
              language="javascript"
              label="Handler code"
              value={state.code}
              invalid={Boolean(errors.code)}
              onChange={(v) => update("code", v)}
              minHeight="220px"
            />
            {errors.code ? (
              <p role="alert" className="text-sm text-destructive">
                {errors.code}
              </p>
            ) : null}
          </CardContent>
        ) : null}
      </Card>
    </div>
  );
}
