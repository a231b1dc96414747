export * from "./agent.ts";
export * from "./create.ts";
export * from "./extract.ts";
export type * from "./port.ts";
export * from "./prompt.ts";
export * from "./rules.ts";
export * from "./schema.ts";
export * from "./store.ts";
