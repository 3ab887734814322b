import { expect, test } from "vitest";
import { describeError, jsonConsoleLine } from "./log";

test("a database error is described without the statement's parameters, details or quoted values", () => {
  const pgError = Object.assign(new Error('invalid input syntax for type uuid: "secret-input-value"'), {
    code: "22P02",
    detail: "Token secret-detail is invalid.",
    where: 'JSON data, line 1: {"key_hash":"abc123secret"',
  });
  const drizzle = Object.assign(
    new Error(
      `Failed query: select * from start_runs($1)\nparams: [{"key_hash":"abc123secret","input":"secret-input-value"}]`,
    ),
    {
      name: "DrizzleQueryError",
      cause: pgError,
    },
  );
  const text = describeError(drizzle);
  expect(text).toContain("22P02");
  expect(text).toContain("invalid input syntax for type uuid");
  expect(text).not.toMatch(/secret|abc123/);
  expect(describeError(new Error(`Failed query: insert\nparams: secret`))).not.toMatch(/secret/);
});

test("with LOG_FORMAT=json a console line becomes one JSON object with its component; errors are described, not dumped", () => {
  const line = JSON.parse(jsonConsoleLine("info", ["[reaper] ended 2 run(s)"]));
  expect(line).toMatchObject({ level: "info", component: "reaper", message: "ended 2 run(s)" });
  expect(new Date(line.time).getTime()).toBeGreaterThan(0);
  const failed = Object.assign(new Error('Failed query: insert into users values ($1)\nparams: "secret@example.com"'), {
    code: "23505",
  });
  const error = JSON.parse(jsonConsoleLine("error", ["[sandbox] could not start:", failed]));
  expect(error).toMatchObject({ level: "error", component: "sandbox" });
  expect(error.message).not.toContain("secret@example.com");
  expect(JSON.parse(jsonConsoleLine("warn", ["no prefix", { n: 1 }]))).toMatchObject({
    component: null,
    message: 'no prefix {"n":1}',
  });
  // A logJson line is already JSON: it passes unchanged, one object per line.
  const access = JSON.stringify({ event: "api.request", requestId: "r-1" });
  expect(jsonConsoleLine("info", [access])).toBe(access);
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  expect(JSON.parse(jsonConsoleLine("info", ["[x]", circular])).message).toBe("[object Object]");
});
