export * from "./approval.ts";
export * from "./catalog.ts";
export * from "./define.ts";
export * from "./family.ts";
export * from "./run.ts";
export * from "./system.ts";
export * from "./task.ts";
export * from "./webhook.ts";
