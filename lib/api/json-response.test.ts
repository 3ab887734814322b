import { describe, expect, test } from "vitest";
import { jsonResponse } from "./json-response";

describe("jsonResponse", () => {
  test("a small body is JSON marked no-transform, so Next does not gzip it", async () => {
    const response = jsonResponse({ ok: true }, { status: 201, headers: { location: "/x" } });
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("no-transform");
    expect(response.headers.get("location")).toBe("/x");
    expect(await response.json()).toEqual({ ok: true });
  });

  test("no-transform is added to a Cache-Control the caller set", () => {
    const response = jsonResponse(
      { type: "x" },
      { headers: { "cache-control": "no-store" } },
      "application/problem+json",
    );
    expect(response.headers.get("cache-control")).toBe("no-store, no-transform");
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  test("a body of 1 KB or more stays compressible", async () => {
    const big = { text: "x".repeat(1024) };
    const response = jsonResponse(big, { headers: { "cache-control": "public, max-age=60" } });
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    expect(await response.json()).toEqual(big);
  });
});
