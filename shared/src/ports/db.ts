/** Runs SQL. Implemented by every Db adapter and by the transaction handle it passes out. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
}

export interface QueryResult<Row> {
  readonly rows: Row[];
  readonly rowCount: number;
}

/** The handle a transaction passes out: statements on the transaction's one connection. */
export interface DbTransaction extends SqlExecutor {
  /** Runs a script of several statements without parameters, inside the transaction. */
  exec(script: string): Promise<void>;
}

/**
 * The Postgres port: PGlite, node-postgres-compatible TCP and Neon implement it alike.
 * Rows come back alike too: int8 as number, numeric as string, json/jsonb parsed,
 * timestamps as Date, pgvector `vector`/`halfvec` as number[] (send them with `toVector`).
 */
export interface Db extends SqlExecutor {
  readonly driver: string;
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled
   * back when it throws. Concurrent transactions each get their own connection (PGlite,
   * having one, runs them one after another).
   */
  transaction<T>(work: (tx: DbTransaction) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}
