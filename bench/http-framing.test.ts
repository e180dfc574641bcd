import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { responseEnd } from "./http-framing.mjs";

/** The bytes Node's own HTTP server writes for these handlers, captured from a raw socket. */
let server: http.Server;
let port = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/chunked") {
      res.write("x".repeat(3000));
      res.end('{"ok":true}');
    } else if (req.url === "/length") {
      res.setHeader("Content-Length", "11");
      res.end('{"ok":true}');
    } else {
      res.statusCode = 204;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function raw(path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, "127.0.0.1", () => s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    s.on("data", (c) => chunks.push(c));
    s.on("end", () => resolve(Buffer.concat(chunks)));
    s.on("error", reject);
  });
}

describe("responseEnd (the load client's framing)", () => {
  it.each(["/chunked", "/length", "/empty"])("finds the exact end of %s and reports every proper prefix as incomplete", async (path) => {
    const bytes = await raw(path);
    // Each case exercises its own framing: chunked, Content-Length, no body.
    const head = bytes.toString("latin1", 0, bytes.indexOf("\r\n\r\n")).toLowerCase();
    expect(head.includes("transfer-encoding: chunked")).toBe(path === "/chunked");
    expect(head.includes("content-length: 11")).toBe(path === "/length");
    expect(responseEnd(bytes)).toBe(bytes.length);
    for (let cut = 0; cut < bytes.length; cut += path === "/chunked" ? 97 : 7) expect(responseEnd(bytes.subarray(0, cut))).toBe(-1);
    expect(responseEnd(bytes.subarray(0, bytes.length - 1))).toBe(-1);
  });
});
