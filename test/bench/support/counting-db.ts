import type { Db, DbTransaction, SqlExecutor } from "@mesh-six/shared/ports/db";

/** How many statements went to the database, by their SQL text (transactions count BEGIN and COMMIT). */
export interface QueryCounts {
  statements: number;
  transactions: number;
  readonly byText: Map<string, number>;
}

/** A Db that counts every statement sent through it, for the benchmarks' queries-per-event figure. */
export function countingDb(db: Db): { readonly db: Db; readonly counts: QueryCounts } {
  const counts: QueryCounts = { statements: 0, transactions: 0, byText: new Map() };
  const note = (text: string) => {
    counts.statements += 1;
    const key = text.replace(/\s+/g, " ").trim().slice(0, 90);
    counts.byText.set(key, (counts.byText.get(key) ?? 0) + 1);
  };
  const counted = <T extends SqlExecutor>(target: T): SqlExecutor => ({
    query(text, params) {
      note(text);
      return target.query(text, params);
    },
  });
  const wrapped: Db = {
    driver: db.driver,
    ...counted(db),
    transaction(work) {
      counts.transactions += 1;
      note("BEGIN");
      note("COMMIT");
      return db.transaction((tx) =>
        work({ ...counted(tx), exec: (script) => tx.exec(script) } as DbTransaction),
      );
    },
    exec: (script) => db.exec(script),
    close: () => db.close(),
  };
  return { db: wrapped, counts };
}
