import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Connection, requestBytes, ResponseParser } from "./http-client";

describe("ResponseParser", () => {
  const feed = (parser: ResponseParser, text: string, pieces: number) => {
    const bytes = Buffer.from(text, "latin1");
    const size = Math.ceil(bytes.length / pieces);
    const replies = [];
    for (let at = 0; at < bytes.length; at += size) replies.push(parser.push(bytes.subarray(at, at + size)));
    return replies;
  };

  test.each([1, 3, 40])("a sized body in %i pieces", (pieces) => {
    const replies = feed(
      new ResponseParser(),
      'HTTP/1.1 201 Created\r\nContent-Length: 11\r\nContent-Type: application/json\r\n\r\n{"a":"bcd"}',
      pieces,
    );
    expect(replies.slice(0, -1).every((r) => r === null)).toBe(true);
    const reply = replies.at(-1)!;
    expect(reply.status).toBe(201);
    expect(reply.headers.get("content-type")).toBe("application/json");
    expect(reply.body.toString()).toBe('{"a":"bcd"}');
  });

  test.each([1, 2, 7, 60])("a chunked body in %i pieces", (pieces) => {
    const replies = feed(
      new ResponseParser(),
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n",
      pieces,
    );
    expect(replies.slice(0, -1).every((r) => r === null)).toBe(true);
    expect(replies.at(-1)!.body.toString()).toBe("hello world");
  });

  test("the parser is ready for the next response on the same connection", () => {
    const parser = new ResponseParser();
    expect(parser.push(Buffer.from("HTTP/1.1 204 No Content\r\n\r\n"))?.status).toBe(204);
    expect(parser.push(Buffer.from("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno"))?.body.toString()).toBe(
      "no",
    );
  });

  test("bytes past the end of a response and garbage are errors", () => {
    expect(() => new ResponseParser().push(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab"))).toThrow(
      /past the end/,
    );
    expect(() => new ResponseParser().push(Buffer.from("SSH-2.0-OpenSSH\r\n\r\n"))).toThrow(/not an HTTP response/);
  });
});

describe("Connection against node:http", () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        // No Content-Length: node:http sends the body chunked, as Next does.
        response.writeHead(request.method === "POST" ? 201 : 200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            method: request.method,
            url: request.url,
            body: Buffer.concat(chunks).toString(),
            auth: request.headers.authorization ?? null,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("requests on one keep-alive connection get their own responses", async () => {
    const connection = new Connection(port);
    try {
      const host = `127.0.0.1:${port}`;
      const first = await connection.send(requestBytes("GET", "/api/v1", host));
      const second = await connection.send(
        requestBytes("POST", "/runs", host, { authorization: "Bearer k" }, JSON.stringify({ input: "é" })),
      );
      expect(first.status).toBe(200);
      expect(JSON.parse(first.body.toString())).toEqual({ method: "GET", url: "/api/v1", body: "", auth: null });
      expect(second.status).toBe(201);
      expect(JSON.parse(second.body.toString())).toEqual({
        method: "POST",
        url: "/runs",
        body: '{"input":"é"}',
        auth: "Bearer k",
      });
    } finally {
      connection.close();
    }
  });

  test("a second request while one is in flight is refused", async () => {
    const connection = new Connection(port);
    try {
      const request = requestBytes("GET", "/", `127.0.0.1:${port}`);
      const first = connection.send(request);
      await expect(connection.send(request)).rejects.toThrow(/one request at a time/);
      expect((await first).status).toBe(200);
    } finally {
      connection.close();
    }
  });
});
