import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createAddressPolicy } from "./address-policy";
import { httpFetch, MAX_CONCURRENT_FETCHES_PER_TENANT, type Lookup } from "./http-fetch";

const strict = createAddressPolicy("");

describe("address policy", () => {
  test.each([
    ["127.0.0.1", false],
    ["127.1.2.3", false],
    ["10.0.0.1", false],
    ["172.16.5.4", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["::1", false],
    ["::", false],
    ["fe80::1", false],
    ["fd00::1", false],
    ["::ffff:127.0.0.1", false],
    ["::ffff:7f00:1", false],
    ["::ffff:a9fe:a9fe", false],
    ["64:ff9b::a00:1", false],
    ["93.184.215.14", true],
    ["1.1.1.1", true],
    ["2606:4700:4700::1111", true],
    ["not-an-ip", false],
  ])("%s allowed: %s", (ip, allowed) => {
    expect(strict.isAllowed(ip)).toBe(allowed);
  });

  test("the operator's allow-list opens named hosts and ranges only", () => {
    const policy = createAddressPolicy("10.1.0.0/16, intranet.example");
    expect(policy.isAllowed("10.1.2.3")).toBe(true);
    expect(policy.isAllowed("10.2.0.1")).toBe(false);
    expect(policy.isAllowed("192.168.0.1", "intranet.example")).toBe(true);
    expect(policy.isAllowed("192.168.0.1", "other.example")).toBe(false);
  });
});

describe("http_fetch", () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === "/redirect-internal") {
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" }).end();
      } else if (req.url === "/big") {
        res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(5_000));
      } else if (req.url === "/trickle") {
        // Headers at once, then a byte every 50 ms for as long as the client listens.
        res.writeHead(200, { "content-type": "text/plain" });
        const drip = setInterval(() => res.write("x"), 50);
        res.on("close", () => clearInterval(drip));
      } else if (req.url === "/slow") {
        setTimeout(() => res.end("late"), 2_000);
      } else {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hello: "world" }));
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test.each([
    "http://127.0.0.1/",
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://localhost/",
    "http://0.0.0.0/",
  ])("refuses %s", async (url) => {
    await expect(httpFetch({ url }, { policy: strict })).rejects.toThrow(/http_fetch refused/);
  });

  test("refuses a public-looking name that resolves to a private address", async () => {
    const lookup: Lookup = (_host, cb) => cb(null, [{ address: "10.0.0.7", family: 4 }]);
    await expect(httpFetch({ url: "http://innocent.example/" }, { policy: strict, lookup })).rejects.toThrow(
      /innocent\.example resolves to a private or reserved address/,
    );
  });

  test("refuses when any of the resolved addresses is private", async () => {
    const lookup: Lookup = (_host, cb) =>
      cb(null, [
        { address: "93.184.215.14", family: 4 },
        { address: "127.0.0.1", family: 4 },
      ]);
    await expect(httpFetch({ url: "http://mixed.example/" }, { policy: strict, lookup })).rejects.toThrow(/private/);
  });

  test.each(["file:///etc/passwd", "ftp://example.com/", "http://user:pw@example.com/"])("refuses %s", async (url) => {
    await expect(httpFetch({ url }, { policy: strict })).rejects.toThrow(/refused/);
  });

  describe("with the loopback test server allowed by the operator", () => {
    const policy = createAddressPolicy("127.0.0.1/32");

    test("fetches, and reports status and content type", async () => {
      const result = await httpFetch({ url: `http://127.0.0.1:${port}/` }, { policy });
      expect(result).toMatchObject({
        status: 200,
        contentType: "application/json",
        body: '{"hello":"world"}',
        truncated: false,
      });
    });

    test("re-checks redirects: a redirect to the metadata address is refused", async () => {
      await expect(httpFetch({ url: `http://127.0.0.1:${port}/redirect-internal` }, { policy })).rejects.toThrow(
        /169\.254\.169\.254/,
      );
    });

    test("caps the body size", async () => {
      const result = await httpFetch({ url: `http://127.0.0.1:${port}/big` }, { policy, maxBytes: 1_000 });
      expect(result.body).toHaveLength(1_000);
      expect(result.truncated).toBe(true);
    });

    test("caps the time", async () => {
      const started = Date.now();
      await expect(httpFetch({ url: `http://127.0.0.1:${port}/slow` }, { policy, timeoutMs: 200 })).rejects.toThrow(
        /timed out/,
      );
      expect(Date.now() - started).toBeLessThan(1_500);
    });

    test("the deadline covers the whole fetch: a server that trickles its body is cut off at it", async () => {
      const started = Date.now();
      await expect(httpFetch({ url: `http://127.0.0.1:${port}/trickle` }, { policy, timeoutMs: 400 })).rejects.toThrow(
        /timed out/,
      );
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    test("the end of the run stops a fetch in flight", async () => {
      const controller = new AbortController();
      const started = Date.now();
      const fetching = httpFetch(
        { url: `http://127.0.0.1:${port}/trickle` },
        { policy, timeoutMs: 10_000, signal: controller.signal },
      );
      setTimeout(() => controller.abort(), 200);
      await expect(fetching).rejects.toThrow(/the run has ended/);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    test(`at most ${MAX_CONCURRENT_FETCHES_PER_TENANT} fetches of one tenant are in flight; another tenant is not held up`, async () => {
      const controller = new AbortController();
      const hogs = Array.from({ length: MAX_CONCURRENT_FETCHES_PER_TENANT + 2 }, () =>
        httpFetch(
          { url: `http://127.0.0.1:${port}/trickle` },
          { policy, tenant: "hog", timeoutMs: 10_000, signal: controller.signal },
        ).catch((e: Error) => e),
      );
      await new Promise((r) => setTimeout(r, 200));
      const requests = await new Promise<number>((resolve) => server.getConnections((_e, n) => resolve(n)));
      expect(requests).toBe(MAX_CONCURRENT_FETCHES_PER_TENANT);
      const other = await httpFetch(
        { url: `http://127.0.0.1:${port}/` },
        { policy, tenant: "other", timeoutMs: 2_000 },
      );
      expect(other.status).toBe(200);
      controller.abort();
      await Promise.all(hogs);
    });
  });
});
