/** Reads every table the app owns, so privacy tests can prove nothing was left behind. */
import { Prisma } from "@prisma/client";
import type { Db } from "../../app/db.server";

const delegateName = (model: string) => model[0].toLowerCase() + model.slice(1);


function shopWhere(m: (typeof Prisma.dmmf.datamodel.models)[number], shop: string) {
  const fields = m.fields.map((f) => f.name);
  if (m.name === "Shop") return { id: shop };
  if (fields.includes("shopId")) return { shopId: shop };
  if (fields.includes("shop")) return { shop };
  throw new Error(`table ${m.name} has no shop column: every table must be shop-scoped`);
}

/** Every row of every table that belongs to `shop`, as JSON text per table (BigInt-safe). */
export async function dumpAllTables(db: Db, shop: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const m of Prisma.dmmf.datamodel.models) {
    const model = m.name;
    const rows = await (db as any)[delegateName(model)].findMany({ where: shopWhere(m, shop) });
    out[model] = JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  }
  return out;
}

/** Row counts per table for rows that belong to `shop` (by shopId, or shop for sessions). */
export async function rowsForShop(db: Db, shop: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of Prisma.dmmf.datamodel.models) {
    out[m.name] = await (db as any)[delegateName(m.name)].count({ where: shopWhere(m, shop) });
  }
  return out;
}

export function tablesMentioning(dump: Record<string, string>, needle: string): string[] {
  return Object.entries(dump)
    .filter(([, text]) => text.includes(needle))
    .map(([table]) => table);
}
