import { describe, expect, test } from "vitest";
import { MAX_BODY_BYTES, readJsonBody } from "./request";

const post = (body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }) =>
  new Request("http://localhost/api/v1/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);

describe("readJsonBody", () => {
  test("parses a JSON body, in one chunk or many", async () => {
    expect(await readJsonBody(post(JSON.stringify({ input: { n: 1 } })))).toEqual({ ok: true, value: { input: { n: 1 } } });
    const parts = ['{"input":', '"héllo"', "}"].map((s) => new TextEncoder().encode(s));
    const split = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
    expect(await readJsonBody(post(split))).toEqual({ ok: true, value: { input: "héllo" } });
  });

  test("refuses other content types and invalid JSON with a message", async () => {
    expect(await readJsonBody(post("{}", { "content-type": "text/plain" }))).toMatchObject({ ok: false, message: expect.stringContaining("Content-Type: application/json") });
    expect(await readJsonBody(post("{nope"))).toEqual({ ok: false, message: "The body is not valid JSON." });
  });

  test("a declared length over the cap is refused unread", async () => {
    expect(await readJsonBody(post("{}", { "content-type": "application/json", "content-length": String(MAX_BODY_BYTES + 1) }))).toMatchObject({ ok: false, message: expect.stringContaining("larger than") });
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
    expect(await readJsonBody(post(endless))).toMatchObject({ ok: false, message: expect.stringContaining("larger than") });
    expect(cancelled).toBe(true);
    expect(pulled * chunk.byteLength).toBeLessThan(MAX_BODY_BYTES + 4 * chunk.byteLength);
  });
});
