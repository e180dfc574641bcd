/** Structured one-line JSON logs: greppable in production, quiet in tests unless asked for. */
import { env } from "./env.server";

type Level = "info" | "warn" | "error";

function quiet(): boolean {
  try {
    const { NODE_ENV, ATTUNE_LOG } = env();
    return NODE_ENV === "test" && !ATTUNE_LOG;
  } catch {
    // Invalid configuration: still log (the app is about to stop with a message naming it).
    return false;
  }
}

function write(level: Level, msg: string, fields?: Record<string, unknown>) {
  if (quiet() && level !== "error") return;
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
  (level === "info" ? process.stdout : process.stderr).write(line + "\n");
}

export const log = {
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
