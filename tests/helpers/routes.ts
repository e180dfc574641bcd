/** Calls a Remix route module's loader or action directly, as Remix would; a thrown Response is the answer. */
export type RouteHandler = (args: any) => Promise<Response>;

export async function callRoute(handler: RouteHandler, request: Request, params: Record<string, string> = {}): Promise<Response> {
  try {
    return await handler({ request, params, context: {} });
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}
