/**
 * How an admin action answers a model write: 422 with the field errors, or (after this instance's
 * engine has followed the write's config event) `{ ok, intent, id }` for the page's toast and navigation.
 */
import type { SaveResult } from "../models/segments.server";
import { invalid } from "../utils/form-errors.server";
import { enginePort } from "./engine-port.server";

export async function answerWrite(shop: string, intent: string, result: SaveResult<{ id: string } | unknown>) {
  if (!result.ok) return invalid(result.errors);
  await enginePort.configSaved(shop);
  const id = result.value && typeof result.value === "object" && "id" in result.value ? String((result.value as { id: string }).id) : null;
  return { ok: true as const, intent, id };
}
