export interface KvSetOptions {
  /** Expire the key after this many milliseconds. */
  readonly ttlMs?: number;
  /** Only set when the key does not exist (SET NX). */
  readonly ifAbsent?: boolean;
}

/** The key-value port: dedupe keys, rate limits, budget counters, short-lived caches. */
export interface Kv {
  readonly driver: string;
  get(key: string): Promise<string | null>;
  /** Returns false when `ifAbsent` was set and the key already existed. */
  set(key: string, value: string, options?: KvSetOptions): Promise<boolean>;
  /** Adds `by` to an integer counter, creating it at 0; `ttlMs` applies when it is created. */
  incrBy(key: string, by: number, options?: { readonly ttlMs?: number }): Promise<number>;
  /**
   * Adds `by` to an integer counter (created at 0) only when the result stays at or below
   * `limit`, in one atomic step: the new value, or null when it would pass the limit (the
   * counter is then unchanged). A budget reservation; `ttlMs` applies when it is created.
   */
  incrByWithin(
    key: string,
    by: number,
    limit: number,
    options?: { readonly ttlMs?: number },
  ): Promise<number | null>;
  del(key: string): Promise<void>;
  close(): Promise<void>;
}
