/**
 * POST /apps/attune/quiz -> {"ok": true}. Zero-party answers, stored only under a vid or the
 * signed customer id, used as quizAnswers in later decisions.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { recordQuizResponse } from "~/models/signals.server";
import { authenticateProxy, json, optional, parseJsonBody, visitorId } from "~/services/proxy.server";
import { enginePort } from "~/services/engine-port.server";

const key = z.string().min(1, "cannot be empty").max(64, "at most 64 characters");
const schema = z.object({
  quizId: key,
  answers: z
    .record(key, z.array(z.string().min(1).max(100, "answers are at most 100 characters")).min(1, "choose at least one answer").max(20, "at most 20 answers"))
    .refine((a) => Object.keys(a).length >= 1 && Object.keys(a).length <= 10, "between 1 and 10 questions"),
  vid: optional(visitorId),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return json({ error: "method_not_allowed" }, 405, { Allow: "POST" });
  const who = await authenticateProxy(request);
  const body = await parseJsonBody(request, schema);
  const written = await recordQuizResponse(db(), who.shop, { visitorId: body.vid ?? null, customerId: who.customerId }, body.quizId, body.answers);
  await enginePort.signalsWritten(who.shop, written);
  return json({ ok: true, stored: written.length > 0 });
};
