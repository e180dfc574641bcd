/**
 * Run by bench/engine.ts in a worker thread, which has a V8 heap of its own: builds one model and
 * drops the generated store, so the heap holds what an engine thread's does, then times full GCs.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { parentPort, workerData } from "node:worker_threads";
import { StoreModel } from "../app/engine/model/store-model";
import { generateStore } from "./synthetic-store";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const size = workerData as { customers: number; products: number; orderLines: number };

let store: ReturnType<typeof generateStore> | null = generateStore({ ...size, seed: 42 });
const model = StoreModel.build(store);
store = null;
gc();
await new Promise((r) => setTimeout(r, 100));
const pauses: number[] = [];
for (let run = 0; run < 3; run++) {
  const t = performance.now();
  gc();
  pauses.push(performance.now() - t);
}
const usage = process.memoryUsage();
parentPort!.postMessage({
  // The machine only ever adds to a pause.
  pauseMs: Math.min(...pauses),
  heapMb: usage.heapUsed / 1048576,
  typedArraysMb: usage.arrayBuffers / 1048576,
  orders: model.orderCount,
});
