// `npm run setup`: prepare and migrate the database named by DATABASE_URL (SQLite by default).
// Safe to run any number of times.
import { migrate } from "./db/migrate";

const url = process.env.DATABASE_URL || "file:./prisma/dev.sqlite";
const applied = await migrate(url);
const where = url.startsWith("file:") ? url : url.replace(/\/\/[^@/]*@/, "//***@");
console.log(applied.length ? `setup: applied ${applied.join(", ")} to ${where}` : `setup: ${where} is up to date`);
