import { fromSql, toSql } from "pgvector";

/**
 * A pgvector parameter: `db.query("… $1::vector …", [toVector([0.1, 0.2])])`. Every Db
 * adapter sends it as the text form pgvector accepts, so it works on all three drivers.
 */
export function toVector(values: readonly number[]): string {
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) {
      throw new TypeError(`toVector: element ${index} is ${value}; a vector holds finite numbers only`);
    }
  });
  return toSql([...values]) as string;
}

/** The column description every driver returns with a result. */
export interface FieldType {
  readonly name: string;
  readonly dataTypeID: number;
}

type Lookup = (text: string, params: readonly unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

// Types below this oid are built in; extension types (vector, halfvec) are above it.
const firstUserOid = 16_384;
const vectorTypes = new Set(["vector", "halfvec"]);

/**
 * Turns pgvector columns into number[] the same way on every driver. Extension types
 * have no fixed oid, so their names are looked up the first time a result shows one,
 * then remembered for this database.
 */
export function createVectorDecoder() {
  const typeNames = new Map<number, string>();
  return async function decode<Row>(
    rows: Row[],
    fields: readonly FieldType[],
    lookup: Lookup,
  ): Promise<Row[]> {
    const extensionFields = fields.filter((field) => field.dataTypeID >= firstUserOid);
    if (extensionFields.length === 0 || rows.length === 0) return rows;
    const unknown = [...new Set(extensionFields.map((field) => field.dataTypeID))].filter(
      (oid) => !typeNames.has(oid),
    );
    if (unknown.length > 0) {
      const { rows: types } = await lookup(
        "SELECT oid::int AS oid, typname FROM pg_type WHERE oid = ANY($1)",
        [unknown],
      );
      for (const type of types) typeNames.set(Number(type.oid), String(type.typname));
    }
    const columns = extensionFields
      .filter((field) => vectorTypes.has(typeNames.get(field.dataTypeID) ?? ""))
      .map((field) => field.name);
    for (const row of rows as Record<string, unknown>[]) {
      for (const column of columns) {
        const value = row[column];
        if (typeof value === "string") row[column] = fromSql(value);
      }
    }
    return rows;
  };
}

export type VectorDecoder = ReturnType<typeof createVectorDecoder>;
