import { execFileSync } from "node:child_process";
import { expect, test } from "vitest";
import { exampleRequests, exampleValue } from "./example-request";

test("an example input follows the schema: examples and defaults first, then types within their bounds", () => {
  expect(
    exampleValue({
      type: "object",
      required: ["csv", "limit", "mode", "tags", "email"],
      properties: {
        csv: { type: "string", examples: ["a,b\n1,2"] },
        limit: { type: "integer", minimum: 5 },
        mode: { enum: ["fast", "exact"] },
        tags: { type: "array", items: { type: "string" }, minItems: 2 },
        email: { type: "string", format: "email" },
        optional: { type: "boolean" },
        nested: { type: "object", properties: { deep: { type: "number", default: 0.5 } } },
      },
    }),
  ).toEqual({ csv: "a,b\n1,2", limit: 5, mode: "fast", tags: ["text", "text"], email: "ada@example.com" });
  expect(exampleValue({ type: "object", properties: { a: { type: "boolean" }, b: { type: "null" } } })).toEqual({
    a: true,
    b: null,
  });
  expect(exampleValue(undefined)).toBeNull();
  expect(exampleValue({})).toEqual({});
  // A schema nested deeper than anyone writes stops instead of recursing forever.
  const deep: Record<string, unknown> = { type: "object", required: ["x"], properties: {} };
  let cursor = deep;
  for (let i = 0; i < 100; i++) {
    const next = { type: "object", required: ["x"], properties: {} };
    (cursor.properties as Record<string, unknown>).x = next;
    cursor = next;
  }
  expect(JSON.stringify(exampleValue(deep)).length).toBeLessThan(200);
});

test("the curl example is valid shell: quotes in the input survive, the key comes from the environment", () => {
  const { curl, python, javascript } = exampleRequests("http://localhost:3000", "csv-stats", {
    csv: 'it\'s,"quoted"\n1,2',
    on: true,
    none: null,
  });
  expect(curl).toContain('-H "Authorization: Bearer $AINOMADS_API_KEY"');
  // Run the curl command's arguments through sh with `echo` in place of curl: the body arrives intact.
  const echoed = execFileSync("sh", ["-c", curl.replace(/^curl /, "printf '%s\\n' ")], {
    env: { ...process.env, AINOMADS_API_KEY: "anm_test" },
  }).toString();
  expect(echoed).toContain("Bearer anm_test");
  expect(echoed).toContain(JSON.stringify({ input: { csv: 'it\'s,"quoted"\n1,2', on: true, none: null } }));
  expect(python).toContain('"on": True');
  expect(python).toContain('"none": None');
  expect(javascript).toContain("process.env.AINOMADS_API_KEY");
});
