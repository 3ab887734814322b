import { afterAll, describe, expect, test } from "vitest";
import { agentSpecSchema } from "@/lib/agents/spec";
import { validateAgentInput } from "@/lib/agents/runtime/run-agent";
import { SandboxPool } from "@/lib/agents/runtime/sandbox";
import { demoAgents } from "./demo-agents";

const pool = new SandboxPool(1, 2);
afterAll(() => pool.close());

function demo(slug: string) {
  const agent = demoAgents.find((a) => a.slug === slug)!;
  return agentSpecSchema.parse(agent.spec);
}

async function runDemo(slug: string, input: unknown) {
  const spec = demo(slug);
  validateAgentInput(spec, input);
  const logs: string[] = [];
  const result = await pool.run(
    { code: spec.code!, input, timeoutMs: spec.limits.timeoutMs, tools: spec.tools },
    { hostCall: async () => null, onLog: (m) => logs.push(m) },
  );
  if (!result.ok) throw new Error(result.error.message);
  return { output: result.output as Record<string, unknown>, logs };
}

describe("demo agents run without any model provider", () => {
  test("CSV Statistics", async () => {
    const { output } = await runDemo("csv-stats", {
      csv: 'name,age,city\nAda,36,"London, UK"\nAlan,41,London\nGrace,,NYC\n',
    });
    expect(output.rows).toBe(3);
    const [name, age, city] = output.columns as Record<string, unknown>[];
    expect(name).toMatchObject({ name: "name", count: 3, missing: 0 });
    expect(age).toMatchObject({ name: "age", count: 2, missing: 1, min: 36, max: 41, mean: 38.5, median: 38.5 });
    expect(city).toMatchObject({
      top: [
        { value: "London, UK", count: 1 },
        { value: "London", count: 1 },
        { value: "NYC", count: 1 },
      ],
    });
  });

  test("JSON Schema Validator", async () => {
    const schema = {
      type: "object",
      required: ["id", "email"],
      additionalProperties: false,
      properties: {
        id: { type: "integer", minimum: 1 },
        email: { type: "string", pattern: "@" },
        tags: { type: "array", items: { type: "string" } },
      },
    };
    expect((await runDemo("json-schema-validator", { schema, document: { id: 3, email: "a@b" } })).output).toEqual({
      valid: true,
      errors: [],
    });
    const { output } = await runDemo("json-schema-validator", {
      schema,
      document: { id: 0, tags: ["x", 2], extra: true },
    });
    expect(output.valid).toBe(false);
    expect(output.errors).toEqual(
      expect.arrayContaining([
        { path: "", message: "missing required property email" },
        { path: "/id", message: "must be >= 1" },
        { path: "/tags/1", message: "expected string, got integer" },
        { path: "/extra", message: "is not allowed" },
      ]),
    );
  });

  test("Entity Extractor", async () => {
    const { output } = await runDemo("entity-extractor", {
      text: "Mail ada@example.com or see https://example.com/docs on 2024-05-01. Pay $1,200.50 to 0x52908400098527886E0F7030069857D2E4169EE7 #invoice",
    });
    const entities = output.entities as Record<string, { value: string }[]>;
    expect(entities.email!.map((e) => e.value)).toEqual(["ada@example.com"]);
    expect(entities.url!.map((e) => e.value)).toEqual(["https://example.com/docs"]);
    expect(entities.date!.map((e) => e.value)).toEqual(["2024-05-01"]);
    expect(entities.money!.map((e) => e.value)).toEqual(["$1,200.50"]);
    expect(entities.ethAddress!.map((e) => e.value)).toEqual(["0x52908400098527886E0F7030069857D2E4169EE7"]);
    expect(entities.hashtag!.map((e) => e.value)).toEqual(["#invoice"]);
  });

  test("Markdown Outline", async () => {
    const markdown =
      "# Guide\nIntro words here\n## Install\nrun npm\n```\n# not a heading\n```\n## Use\nthree more words\n# Appendix\n";
    const { output } = await runDemo("markdown-outline", { markdown });
    expect(output.outline).toEqual([
      {
        level: 1,
        title: "Guide",
        anchor: "guide",
        words: 3,
        children: [
          { level: 2, title: "Install", anchor: "install", words: 8, children: [] },
          { level: 2, title: "Use", anchor: "use", words: 3, children: [] },
        ],
      },
      { level: 1, title: "Appendix", anchor: "appendix", words: 0, children: [] },
    ]);
    expect(output.readingMinutes).toBe(1);
  });

  test("the model-backed demo asks for a model, not code", () => {
    const spec = demo("research-brief");
    expect(spec.code).toBeNull();
    expect(spec.model).toEqual({ provider: "openai", id: "gpt-4o-mini" });
  });
});
