import { describe, expect, test } from "vitest";
import { MAX_BODY_BYTES, readJsonBody } from "./request";

const post = (body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }) =>
  new Request("http://localhost/api/v1/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);

describe("readJsonBody", () => {
  test("parses a JSON body, in one chunk or many", async () => {
    expect(await readJsonBody(post(JSON.stringify({ input: { n: 1 } })))).toEqual({ input: { n: 1 } });
    const parts = ['{"input":', '"héllo"', "}"].map((s) => new TextEncoder().encode(s));
    const split = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
    expect(await readJsonBody(post(split))).toEqual({ input: "héllo" });
  });

  test.each([
    ["another content type", () => post("{}", { "content-type": "text/plain" }), "UNSUPPORTED_MEDIA_TYPE", 415],
    ["invalid JSON", () => post("{nope"), "MALFORMED_REQUEST", 400],
    [
      "a declared length over the cap (unread)",
      () => post("{}", { "content-type": "application/json", "content-length": String(MAX_BODY_BYTES + 1) }),
      "PAYLOAD_TOO_LARGE",
      413,
    ],
  ])("refuses %s with its own status", async (_name, request, code, status) => {
    await expect(readJsonBody(request())).rejects.toMatchObject({ code, status });
  });

  test("a chunked body is read only up to the cap, then cancelled", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    await expect(readJsonBody(post(endless))).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE", status: 413 });
    expect(cancelled).toBe(true);
    expect(pulled * chunk.byteLength).toBeLessThan(MAX_BODY_BYTES + 4 * chunk.byteLength);
  });
});
