export * from "./catalog.ts";
export * from "./define.ts";
export * from "./system.ts";
export * from "./task.ts";
