/** Structured one-line JSON logs: greppable in production, quiet in tests unless asked for. */
type Level = "info" | "warn" | "error";
const quiet = () => process.env.NODE_ENV === "test" && !process.env.ATTUNE_LOG;

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
