// HTTP load for the benchmarks, in its own process with a small heap, so that the benchmark's
// large heap (synthetic stores) never pauses the client mid-measurement.
//
// Reads one job as JSON on stdin, prints one result as JSON on stdout:
//   { kind: "autocannon", url, paths, seconds, connections, rate? }  closed loop (or autocannon -R)
//   { kind: "paced", url, paths, seconds, rate }                      open loop at a fixed rate
//   { kind: "lean", url, paths, seconds, connections }                closed loop, wrk-style (below)
// Result: { requests, rps, p50, p90, p99, max, non2xx, errors, clientUsPerReq } (latencies in ms;
// clientUsPerReq = this process's own CPU per request: the client shares the machine's cores).
import http from "node:http";
import net from "node:net";
import { responseEnd } from "./http-framing.mjs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const autocannon = require("autocannon");

async function drive({ url, paths, seconds, connections, rate }) {
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    // autocannon's coordinated-omission correction assumes an interval of ceil(1/rate) = 1 ms and
    // would add phantom samples to every response slower than 1 ms: record what was measured.
    ...(rate ? { overallRate: rate, ignoreCoordinatedOmission: true } : {}),
    requests: paths.map((p) => ({ method: "GET", path: p })),
  });
  return {
    requests: r.requests.total,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/**
 * A truly open-loop load at a fixed rate: request i is due at start + i/rate, whether or not earlier
 * ones have answered; latency counts from the due time, so server-side queueing is included.
 * (autocannon's overallRate lets each connection send its per-second quota back-to-back at the top
 * of every second: bursts, not a steady arrival rate.)
 */
async function paced({ url, paths, seconds, rate }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  const total = Math.floor(seconds * rate);
  const lat = [];
  let non2xx = 0;
  let errors = 0;
  const start = performance.now() + 50;
  let inflight = 0;
  await new Promise((resolve) => {
    let sent = 0;
    const finish = () => {
      if (sent === total && inflight === 0) resolve();
    };
    const fire = (due, path) => {
      inflight++;
      const req = http.request({ host: target.hostname, port: target.port, path, method: "GET", agent }, (res) => {
        res.resume();
        res.on("end", () => {
          lat.push(performance.now() - due);
          if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
          inflight--;
          finish();
        });
      });
      req.on("error", () => {
        errors++;
        inflight--;
        finish();
      });
      req.end();
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / rate <= now) {
        fire(start + (sent * 1000) / rate, paths[sent % paths.length]);
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else finish();
    };
    setTimeout(tick, 50);
  });
  agent.destroy();
  return summary(lat, seconds, non2xx, errors);
}

/** The result shape every job prints, from measured latencies (ms) over a run of `seconds`. */
function summary(lat, seconds, non2xx, errors) {
  lat.sort((a, b) => a - b);
  const q = (p) => Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] * 100) / 100;
  return { requests: lat.length, rps: Math.round(lat.length / seconds), p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1 - 1e-9), non2xx, errors };
}

/**
 * Closed-loop peak load that costs the client as little as possible, as wrk does: requests are
 * encoded once up front, responses are only framed (status, Content-Length or chunked), never
 * parsed into objects. On a 2-core machine the client shares the cores with the server, and
 * autocannon (a JavaScript HTTP parser, a request object rebuilt per request) spends about as much
 * CPU per decision as the server does, so its peak measured the client as much as the server.
 */
async function lean({ url, paths, seconds, connections }) {
  const target = new URL(url);
  const encoded = paths.map((p) => Buffer.from(`GET ${p} HTTP/1.1\r\nHost: ${target.host}\r\n\r\n`, "latin1"));
  const lat = [];
  let non2xx = 0;
  let errors = 0;
  let next = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const connection = () =>
    new Promise((resolve) => {
      const socket = net.connect(Number(target.port), target.hostname);
      socket.setNoDelay(true);
      let pending = null;
      let sentAt = 0;
      const send = () => {
        if (performance.now() >= deadline) return socket.end(resolve);
        sentAt = performance.now();
        socket.write(encoded[next++ % encoded.length]);
      };
      socket.on("connect", send);
      socket.on("error", () => {
        errors++;
        resolve();
      });
      socket.on("data", (chunk) => {
        pending = pending ? Buffer.concat([pending, chunk]) : chunk;
        const end = responseEnd(pending);
        if (end < 0) return;
        lat.push(performance.now() - sentAt);
        const status = (pending[9] - 48) * 100 + (pending[10] - 48) * 10 + (pending[11] - 48);
        if (status < 200 || status >= 300) non2xx++;
        // One request in flight per connection: nothing can follow the response.
        pending = null;
        send();
      });
    });
  await Promise.all(Array.from({ length: connections }, connection));
  const elapsed = (performance.now() - start) / 1000;
  return summary(lat, elapsed, non2xx, errors);
}

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const job = JSON.parse(input);
const cpu0 = process.cpuUsage();
const result = job.kind === "paced" ? await paced(job) : job.kind === "lean" ? await lean(job) : await drive(job);
const cpu = process.cpuUsage(cpu0);
result.clientUsPerReq = Math.round((cpu.user + cpu.system) / Math.max(1, result.requests));
process.stdout.write(JSON.stringify(result));
