import { createRequire } from "node:module";

/**
 * Stands in for `mime-db` in Knative bundles: the part of its database a function's HTTP
 * server can meet. Express (inside the functions-framework) looks types up through
 * mime-types for `res.type`, `res.format` and body-parser's `type-is`, which only ever ask
 * about JSON, text, forms and binary bodies; the whole database is 150 KiB of the bundle.
 * The bundle inlines the entries this keeps, taken from the real mime-db at build time.
 */
export type MimeEntry = { readonly extensions?: readonly string[]; readonly [field: string]: unknown };

const kept =
  /^(text\/.*|multipart\/.*|application\/(json|[^/]*\+json|cloudevents[^/]*|octet-stream|x-www-form-urlencoded|javascript|xml|[^/]*\+xml|pdf|zip|gzip|x-ndjson)|image\/(png|jpeg|gif|svg\+xml|x-icon|webp))$/;

/** The entries of the real mime-db that the bundles keep. */
export function keptMimeTypes(): Record<string, MimeEntry> {
  const database = createRequire(import.meta.url)("mime-db") as Record<string, MimeEntry>;
  return Object.fromEntries(Object.entries(database).filter(([type]) => kept.test(type)));
}
