export * from "./budget.ts";
export * from "./budget-input.ts";
export * from "./budget-records.ts";
export * from "./guard.ts";
export * from "./kv-store.ts";
export * from "./postgres-store.ts";
export type * from "./reservation-store.ts";
export * from "./tier-choice.ts";
