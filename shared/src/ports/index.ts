export type * from "./clock.ts";
export type * from "./db.ts";
export type * from "./kv.ts";
export type * from "./logger.ts";
export type * from "./publisher.ts";
export type * from "./rate-limiter.ts";
