import { expect, test } from "vitest";
import { describeError } from "./log";

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
