import pino from "pino";
import { env } from "./env";

/** Structured JSON logs (pino). `logger.child({component})` per module. */
export const logger = pino({
  level: env.LOG_LEVEL,
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
});
