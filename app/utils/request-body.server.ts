/** An admin action's body: JSON (useSubmit/useFetcher with encType application/json) or a form. */
export async function readBody(request: Request): Promise<Record<string, unknown>> {
  if (request.headers.get("Content-Type")?.includes("application/json")) {
    const v: unknown = await request.json().catch(() => null);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  }
  return Object.fromEntries((await request.formData()).entries());
}
