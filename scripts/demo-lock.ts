/**
 * One demo per database. `npm run demo` recreates its SQLite file, so a second demo on the same file
 * would delete the first one's data while it runs. A lock file beside the database names the demo
 * holding it; a second demo refuses with a message saying how to run one beside it. A lock left by
 * a demo that died (its process is gone) is taken over.
 */
import fs from "node:fs";
import path from "node:path";

interface Holder {
  pid: number;
  startedAt: string;
  appUrl?: string;
}

export class DemoBusy extends Error {}

export interface DemoLock {
  /** Adds what the holder serves (shown to a demo that is refused). */
  update(details: { appUrl: string }): void;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(lockFile: string): Holder | null {
  try {
    const holder = JSON.parse(fs.readFileSync(lockFile, "utf8")) as Holder;
    return Number.isInteger(holder.pid) ? holder : null;
  } catch {
    return null;
  }
}

/** A database URL for a second demo beside `file`: demo.sqlite -> demo-2.sqlite (the first free one). */
export function besideUrl(file: string): string {
  const ext = path.extname(file);
  const base = file.slice(0, file.length - ext.length).replace(/-\d+$/, "");
  let n = 2;
  while (fs.existsSync(`${base}-${n}${ext}.lock`)) n++;
  return `file:./${path.relative(process.cwd(), `${base}-${n}${ext}`).split(path.sep).join("/")}`;
}

/** Takes the demo lock for a SQLite database file, or throws DemoBusy naming the demo that has it. */
export function lockDemoDatabase(file: string, pid = process.pid): DemoLock {
  const lockFile = `${file}.lock`;
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  let holder: Holder = { pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(lockFile, JSON.stringify(holder), { flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 2) throw e;
    }
    const other = readHolder(lockFile);
    if (other && other.pid !== pid && alive(other.pid)) {
      const where = path.relative(process.cwd(), file) || file;
      const serving = other.appUrl ? `, app on ${other.appUrl}` : "";
      throw new DemoBusy(
        [
          `demo: another demo (pid ${other.pid}, started ${other.startedAt}${serving}) is using ${where}; a second one would delete its data.`,
          `  Use that one, stop it (Ctrl-C in its terminal), or run a second demo on its own database:`,
          `  DATABASE_URL=${besideUrl(file)} npm run demo`,
        ].join("\n"),
      );
    }
    // The holder is gone (or the file is unreadable): the lock is stale.
    fs.rmSync(lockFile, { force: true });
  }
  let released = false;
  return {
    update(details) {
      if (released) return;
      holder = { ...holder, ...details };
      fs.writeFileSync(lockFile, JSON.stringify(holder));
    },
    release() {
      if (released) return;
      released = true;
      if (readHolder(lockFile)?.pid === pid) fs.rmSync(lockFile, { force: true });
    },
  };
}
