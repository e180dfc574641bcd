// The shop engines on their own thread (started by server.mjs unless ATTUNE_ENGINE=inline; see
// app/services/engine-thread.server.ts). It loads the same build, answers the request thread's
// enginePort calls ({ fn: method name, args }) in order, and hears "data applied" from the ingest
// worker as the request thread does.
import { parentPort, workerData } from "node:worker_threads";

const build = await import(workerData.buildPath);
const { serve, applied } = build.entry.module.startEngineThread();

parentPort.on("message", (message) => {
  if (message.applied) return applied(message.applied);
  serve(message.fn, message.args).then(
    (result) => parentPort.postMessage({ id: message.id, result }),
    (error) => parentPort.postMessage({ id: message.id, error: String(error?.stack ?? error?.message ?? error) }),
  );
});
