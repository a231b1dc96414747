/**
 * The limits every edge enforces (the broker ingress, every function's HTTP routes), in
 * one place so that a 4xx can name them. Byte lengths are of the UTF-8 encoding: what
 * Postgres stores and indexes. A btree index entry holds at most 2,704 bytes, and the
 * inbox, outbox and dead-letter indexes hold an event's source and id together, so the
 * two stay well under that.
 */
export const eventLimits = {
  /** `id`: the de-duplication key with `source`. */
  idBytes: 256,
  sourceBytes: 1024,
  typeBytes: 256,
  subjectBytes: 1024,
  dataschemaBytes: 2048,
  datacontenttypeBytes: 256,
  /** An extension attribute's name, in characters (CloudEvents suggests at most 20). */
  extensionNameLength: 64,
  /** An extension attribute's value, as its string form. */
  extensionValueBytes: 2048,
  /** Extension attributes on one event. */
  extensions: 64,
} as const;

/** CloudEvents `Integer`: a signed 32-bit number. */
export const integerRange = { min: -2_147_483_648, max: 2_147_483_647 } as const;

/**
 * Deepest nesting of arrays and objects in a JSON body or JSON event data. Postgres's
 * jsonb and JSON.stringify both recurse, so a deeper document can fail far from the edge.
 */
export const maxJsonDepth = 64;

/** Largest request body a route or the ingress reads: 1 MiB, Kafka's default record size. */
export const maxBodyBytes = 1024 * 1024;

/** Longest path segment and query value (characters, after percent-decoding). */
export const maxPathSegmentLength = 1024;
export const maxQueryValueLength = 4096;

/** The largest Postgres `bigint`, the type of every numeric row id. */
export const maxBigint = 9_223_372_036_854_775_807n;

/** The UTF-8 length of a string. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
