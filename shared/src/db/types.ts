type GetTypeParser = (oid: number, format?: "text" | "binary") => (value: string) => unknown;

const int8 = 20;

/**
 * The drivers' own type parsers with one change, so every adapter returns the same values
 * as PGlite: int8 (count(*), bigserial) as a number instead of a string.
 */
export function sameTypesAsPglite(getTypeParser: GetTypeParser) {
  return {
    getTypeParser: ((oid: number, format?: "text" | "binary") =>
      oid === int8 && format !== "binary" ? Number : getTypeParser(oid, format)) as GetTypeParser,
  };
}
