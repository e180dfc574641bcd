// The ingest worker on its own thread (started by server.mjs in ATTUNE_WORKER=thread mode).
// It loads the same build, applies queued deliveries, relays "data applied" to the web thread,
// and on SQLite is the only writer of new deliveries (group commit; see delivery-writer.server.ts).
import { parentPort, workerData } from "node:worker_threads";

const build = await import(workerData.buildPath);
const { runIngestWorker, createGroupWriter, db } = build.entry.module;
const worker = runIngestWorker((shops) => parentPort.postMessage({ applied: [...shops] }));
const write = createGroupWriter(db(), () => worker.notify());

parentPort.on("message", (message) => {
  if (message === "stop") {
    // Finish the current transaction, then leave.
    worker.stop().then(() => parentPort.postMessage({ stopped: true }));
  } else if (message.enqueue) {
    write(message.enqueue).then(
      (fresh) => parentPort.postMessage({ ack: message.id, fresh }),
      (error) => parentPort.postMessage({ ack: message.id, error: String(error?.message ?? error) }),
    );
  } else {
    worker.notify();
  }
});
