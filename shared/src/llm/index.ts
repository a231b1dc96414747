export * from "./arithmetic.ts";
export * from "./create.ts";
export * from "./errors.ts";
export * from "./offline-model.ts";
export * from "./openai-model.ts";
export type * from "./port.ts";
export * from "./prices.ts";
export * from "./usage.ts";
