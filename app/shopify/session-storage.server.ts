/**
 * Session storage with a short read cache.
 * The library loads the shop's offline session inside every webhook verification (to offer an
 * Admin client we do not use there). At thousands of deliveries a second that lookup dominated the
 * acknowledgement cost, so reads are cached for a couple of seconds. Writes and deletes through the
 * storage invalidate at once; a deletion made elsewhere (app/uninstalled, another instance) is
 * seen within TTL_MS, which only delays an already-dead token being noticed.
 */
import type { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { Db } from "../db.server";

const TTL_MS = 2_000;
const MAX_ENTRIES = 10_000;

export class CachedSessionStorage extends PrismaSessionStorage<Db> {
  readonly #cache = new Map<string, { at: number; session: Session | undefined }>();

  async loadSession(id: string): Promise<Session | undefined> {
    const now = Date.now();
    const hit = this.#cache.get(id);
    if (hit && now - hit.at < TTL_MS) return hit.session;
    const session = await super.loadSession(id);
    if (this.#cache.size >= MAX_ENTRIES) this.#cache.clear();
    this.#cache.set(id, { at: now, session });
    return session;
  }

  async storeSession(session: Session): Promise<boolean> {
    this.#cache.delete(session.id);
    return super.storeSession(session);
  }

  async deleteSession(id: string): Promise<boolean> {
    this.#cache.delete(id);
    return super.deleteSession(id);
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    ids.forEach((id) => this.#cache.delete(id));
    return super.deleteSessions(ids);
  }
}
