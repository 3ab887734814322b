/**
 * A lean HTTP/1.1 load client for the benchmarks: one keep-alive TCP connection per
 * simulated client, one request in flight on it, requests written as prebuilt bytes and
 * responses parsed just enough to be checked (status line, Content-Length or chunked
 * body, Content-Encoding).
 *
 * The benchmark's server and its load generator share this machine's two cores, so what
 * the client spends per request is taken from the server. node:http costs several times
 * more per request (its parser callbacks, IncomingMessage streams, header objects), and
 * more for a POST with a body than for a GET, which would make the benchmark measure the
 * client's difference rather than the server's. A client on another machine would cost the
 * server nothing; this one comes closer to that.
 */
import net from "node:net";

export type Reply = { status: number; headers: Map<string, string>; body: Buffer };

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");

/** The bytes of one request (HTTP/1.1, keep-alive). */
export function requestBytes(
  method: string,
  path: string,
  host: string,
  headers: Record<string, string> = {},
  body?: string,
): Buffer {
  const payload = body === undefined ? undefined : Buffer.from(body, "utf8");
  const lines = [`${method} ${path} HTTP/1.1`, `host: ${host}`, "connection: keep-alive"];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (payload) lines.push(`content-length: ${payload.length}`);
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
  return payload ? Buffer.concat([head, payload]) : head;
}

/**
 * Incremental parser for one response at a time. `push` takes bytes as they arrive and
 * returns the finished response, or null while more bytes are needed; bytes past the end of
 * a response are an error (the client never pipelines).
 */
export class ResponseParser {
  private buffer: Buffer = Buffer.alloc(0);
  private head: { status: number; headers: Map<string, string>; bodyStart: number } | null = null;

  push(chunk: Buffer): Reply | null {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    if (!this.head) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end === -1) return null;
      const lines = this.buffer.toString("latin1", 0, end).split("\r\n");
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
      if (!match) throw new Error(`not an HTTP response: ${JSON.stringify(lines[0])}`);
      const headers = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      this.head = { status: Number(match[1]), headers, bodyStart: end + HEADER_END.length };
    }
    const { status, headers, bodyStart } = this.head;
    const body =
      headers.get("transfer-encoding")?.toLowerCase() === "chunked"
        ? this.chunked(bodyStart)
        : this.sized(bodyStart, Number(headers.get("content-length") ?? 0));
    if (!body) return null;
    if (body.end !== this.buffer.length) throw new Error("the server sent bytes past the end of the response");
    this.buffer = Buffer.alloc(0);
    this.head = null;
    return { status, headers, body: body.bytes };
  }

  private sized(start: number, length: number): { bytes: Buffer; end: number } | null {
    if (!Number.isSafeInteger(length) || length < 0) throw new Error("bad Content-Length");
    if (this.buffer.length < start + length) return null;
    return { bytes: this.buffer.subarray(start, start + length), end: start + length };
  }

  /** The decoded body once the last chunk (and the CRLF after the empty trailer) is in. */
  private chunked(start: number): { bytes: Buffer; end: number } | null {
    const parts: Buffer[] = [];
    let at = start;
    for (;;) {
      const lineEnd = this.buffer.indexOf(CRLF, at);
      if (lineEnd === -1) return null;
      const size = parseInt(this.buffer.toString("latin1", at, lineEnd).split(";")[0]!, 16);
      if (!Number.isSafeInteger(size) || size < 0) throw new Error("bad chunk size");
      const dataStart = lineEnd + CRLF.length;
      if (size === 0) {
        // No trailers are expected: the empty line ends the body.
        if (this.buffer.length < dataStart + CRLF.length) return null;
        return { bytes: Buffer.concat(parts), end: dataStart + CRLF.length };
      }
      if (this.buffer.length < dataStart + size + CRLF.length) return null;
      parts.push(this.buffer.subarray(dataStart, dataStart + size));
      at = dataStart + size + CRLF.length;
    }
  }
}

/** One keep-alive connection; `send` must not be called again before its reply arrived. */
export class Connection {
  private readonly socket: net.Socket;
  private readonly parser = new ResponseParser();
  private waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(port: number, host = "127.0.0.1") {
    this.socket = net.connect({ port, host, noDelay: true });
    this.socket.on("data", (chunk: Buffer) => {
      try {
        const reply = this.parser.push(chunk);
        if (reply) this.take()?.resolve(reply);
      } catch (error) {
        this.fail(error as Error);
      }
    });
    this.socket.on("error", (error) => this.fail(error));
    this.socket.on("close", () => this.fail(new Error("the server closed the connection")));
  }

  send(request: Buffer): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiting) return Promise.reject(new Error("one request at a time per connection"));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.failure ??= new Error("closed");
    this.socket.destroy();
  }

  /** The request waiting for its reply, if any; the connection is free again after this. */
  private take() {
    const waiting = this.waiting;
    this.waiting = null;
    return waiting;
  }

  private fail(error: Error) {
    this.failure ??= error;
    this.take()?.reject(error);
  }
}
