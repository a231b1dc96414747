/** Reading a Content-Type / `datacontenttype` value. */

/** The media type without parameters, lowercased: "application/json; charset=utf-8" → "application/json". */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

export function isJsonMediaType(contentType: string | undefined): boolean {
  const type = mediaTypeOf(contentType);
  return type === "application/json" || type === "text/json" || type.endsWith("+json");
}

/**
 * Text that is UTF-8 (or ASCII): `text/*`, XML and JavaScript types, or any type with a
 * UTF-8 charset. A type whose charset is something else stays bytes, so nothing is
 * re-encoded.
 */
export function isUtf8TextMediaType(contentType: string | undefined): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  if (charset !== undefined) return charset === "utf-8" || charset === "utf8" || charset === "us-ascii";
  const type = mediaTypeOf(contentType);
  return (
    type.startsWith("text/") ||
    type.endsWith("+xml") ||
    type === "application/xml" ||
    type === "application/javascript" ||
    type === "application/x-www-form-urlencoded"
  );
}
