import { type PGlite, parse, protocol, type Results } from "@electric-sql/pglite";

const { serialize } = protocol;

interface Prepared {
  readonly name: string;
  /** The parameter types Postgres inferred, to serialise values as PGlite's own query does. */
  readonly parameterTypes: readonly number[];
}

export interface StatementCache {
  /**
   * Runs a statement with parameters as a named prepared statement, prepared (parsed and
   * planned) the first time its text is seen, then only bound and executed: one call into
   * Postgres instead of PGlite's four, and no parse. The caller holds PGlite's connection.
   */
  query<Row>(text: string, params: readonly unknown[], inTransaction: boolean): Promise<Results<Row>>;
  /** Drops every prepared statement, as after a script that may have changed the schema. */
  forgetAll(): void;
}

// Postgres refuses a prepared statement whose result columns a schema change altered, or
// one dropped behind our back: prepare it again.
const staleStatement = new Set(["0A000", "26000"]);

/** Prepared statements on PGlite's one connection, by text, the least recently used dropped past `size`. */
export function createStatementCache(pglite: PGlite, size = 200): StatementCache {
  const statements = new Map<string, Prepared>();
  // dropped from the map, closed in Postgres along with the next statement prepared
  let unclosed: string[] = [];
  let counter = 0;

  const run = (message: Uint8Array) => pglite.runExclusive(() => pglite.execProtocol(message));

  const prepare = async (text: string): Promise<Prepared> => {
    const known = statements.get(text);
    if (known) {
      statements.delete(text);
      statements.set(text, known);
      return known;
    }
    const name = `mesh_statement_${++counter}`;
    const closing = unclosed.map((old) => serialize.close({ type: "S", name: old }));
    unclosed = [];
    const { messages } = await run(
      join([
        ...closing,
        serialize.parse({ name, text, types: [] }),
        serialize.describe({ type: "S", name }),
        serialize.sync(),
      ]),
    );
    const prepared = { name, parameterTypes: parse.parseDescribeStatementResults(messages) };
    statements.set(text, prepared);
    for (const [oldest, statement] of statements) {
      if (statements.size <= size) break;
      statements.delete(oldest);
      unclosed.push(statement.name);
    }
    return prepared;
  };

  const execute = async <Row>(statement: Prepared, params: readonly unknown[]) => {
    const values = params.map((value, index) => {
      if (value === null || value === undefined) return null;
      const serializer = pglite.serializers[statement.parameterTypes[index]!];
      return serializer ? serializer(value) : String(value);
    });
    const { messages } = await run(
      join([
        serialize.bind({ statement: statement.name, values }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
      ]),
    );
    return parse.parseResults(messages, pglite.parsers)[0] as Results<Row>;
  };

  return {
    async query<Row>(text: string, params: readonly unknown[], inTransaction: boolean) {
      try {
        return await execute<Row>(await prepare(text), params);
      } catch (error) {
        if (!staleStatement.has((error as { code?: string }).code ?? "")) throw error;
        const stale = statements.get(text);
        statements.delete(text);
        if (stale) unclosed.push(stale.name);
        // a failed statement aborts the transaction: only outside one can it run again
        if (inTransaction) throw error;
        return execute<Row>(await prepare(text), params);
      }
    },
    forgetAll() {
      for (const statement of statements.values()) unclosed.push(statement.name);
      statements.clear();
    },
  };
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
