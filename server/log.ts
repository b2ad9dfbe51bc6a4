import { env } from "./env.js";

type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
type Fields = Record<string, string | number | boolean | null | undefined>;

/** Structured one-line JSON logs. Callers pass ids and codes only: never tokens, never payloads. */
function log(level: Level, event: string, fields: Fields = {}) {
  if (order[level] < order[env().LOG_LEVEL]) return;
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...fields });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const logger = {
  debug: (event: string, fields?: Fields) => log("debug", event, fields),
  info: (event: string, fields?: Fields) => log("info", event, fields),
  warn: (event: string, fields?: Fields) => log("warn", event, fields),
  error: (event: string, fields?: Fields) => log("error", event, fields),
};
