export * from "./create.ts";
export * from "./local-model.ts";
export type * from "./port.ts";
export * from "./usage.ts";
export * from "./words.ts";
