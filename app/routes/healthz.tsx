import { jsonResponse } from "../utils/http.server";
import { db, pingDb, providerOf } from "~/db.server";
import { queueDepth } from "~/models/deliveries.server";

/** Liveness and readiness: 200 when the database answers, 503 otherwise. */
export const loader = async () => {
  const started = performance.now();
  try {
    const database = db();
    await pingDb(database);
    const pending = await queueDepth(database);
    return jsonResponse(
      { status: "ok", database: { status: "ok", provider: providerOf(database), latencyMs: Math.round(performance.now() - started) }, queue: { pending } },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (e) {
    return jsonResponse({ status: "error", database: { status: "error", error: (e as Error).message } }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
};
