// Response framing for the wrk-style load client (bench/load-generator.mjs): just enough HTTP/1.1
// to know where one response ends, nothing parsed into objects.

const HEAD_END = Buffer.from("\r\n\r\n");

/** Where a complete HTTP/1.1 response in buf ends, or -1 while it is incomplete. */
export function responseEnd(buf) {
  const head = buf.indexOf(HEAD_END);
  if (head < 0) return -1;
  const headers = buf.toString("latin1", 0, head).toLowerCase();
  let at = head + 4;
  const length = /\r\ncontent-length: *(\d+)/.exec(headers);
  if (length) return buf.length >= at + Number(length[1]) ? at + Number(length[1]) : -1;
  if (!/\r\ntransfer-encoding: *chunked/.test(headers)) return at; // no body (204, HEAD)
  for (;;) {
    const lineEnd = buf.indexOf("\r\n", at, "latin1");
    if (lineEnd < 0) return -1;
    const size = parseInt(buf.toString("latin1", at, lineEnd), 16);
    at = lineEnd + 2 + size + 2; // data and its CRLF; the last chunk (0) is followed by the final CRLF
    if (buf.length < at) return -1;
    if (size === 0) return at;
  }
}
