/**
 * Server-side form validation answers: 422 with one message per field, shown beside the field
 * (the QR-code example app's pattern). Field names are the form's input names.
 */
export type FieldErrors = Record<string, string>;

export function invalid(errors: FieldErrors, extra: Record<string, unknown> = {}) {
  return Response.json({ ok: false, errors, ...extra }, { status: 422, headers: { "Cache-Control": "private, no-store" } });
}

/** First message per path, joined with dots (zod issue paths or engine validator paths). */
export function toFieldErrors(issues: { path: (string | number | symbol)[] | string; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const key = Array.isArray(i.path) ? i.path.map(String).join(".") || "_form" : i.path || "_form";
    out[key] ??= i.message;
  }
  return out;
}
