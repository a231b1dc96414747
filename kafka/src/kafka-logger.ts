import type { Logger } from "@mesh-six/shared/ports/logger";
import { type LogEntry, logLevel } from "kafkajs";

/**
 * kafkajs logs through our logger: its errors and warnings as warnings (kafkajs logs a
 * rebalance or a retried request as an error, and recovers by itself), the rest as debug.
 */
export function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
      const line = `kafkajs ${namespace}: ${message}`;
      if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(line, fields);
      else logger.debug(line, fields);
    };
}
