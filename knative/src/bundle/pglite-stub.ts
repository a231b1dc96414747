/**
 * Stands in for `@electric-sql/pglite` and `@electric-sql/pglite-pgvector` in Knative
 * bundles. A deployed function uses Postgres or Neon through DATABASE_URL; PGlite would
 * add its WebAssembly and data files (megabytes) that the bundle could not load anyway.
 */
const message =
  "PGlite is not part of the Knative bundle: set DATABASE_URL to a Postgres or Neon database (the Secret mesh-six-database, key url), or run the function on the embedded host (npm start)";

export class PGlite {
  static create(): never {
    throw new Error(message);
  }
  constructor() {
    throw new Error(message);
  }
}

export const vector = {
  name: "pgvector",
  setup(): never {
    throw new Error(message);
  },
};

/** Namespaces the PGlite adapter's prepared-statement cache imports; never reached without PGlite. */
export const parse = {};
export const protocol = {};
