import type { LogFields, Logger, LogLevel } from "../ports/logger.ts";

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerSettings {
  readonly level?: LogLevel;
  readonly fields?: LogFields;
  /** Where lines go; stdout by default. */
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

/** JSON lines: time, level, msg, then the bound fields (function, traceId, …) and the call's. */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const threshold = rank[settings.level ?? "info"];
  const write = settings.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = settings.now ?? Date.now;
  const bound = settings.fields ?? {};
  const log = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (rank[level] < threshold) return;
    const line = { time: new Date(now()).toISOString(), level, msg: message, ...bound, ...fields };
    write(JSON.stringify(line, errorReplacer));
  };
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: (fields) => createLogger({ ...settings, fields: { ...bound, ...fields } }),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === "bigint") return value.toString();
  return value;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
