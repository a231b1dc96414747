/**
 * Text Postgres can store: `text` and `jsonb` refuse U+0000, and a lone UTF-16 surrogate
 * has no UTF-8 encoding (JSON escapes like "\ud800" fail in jsonb; Node would write U+FFFD).
 */
export function textProblem(text: string): string | undefined {
  if (text.includes("\u0000")) return "contains the character U+0000 (NUL), which cannot be stored";
  if (!text.isWellFormed()) {
    const index = loneSurrogateAt(text);
    const unit = text.charCodeAt(index).toString(16).toUpperCase();
    return `contains a lone UTF-16 surrogate (U+${unit} at character ${index}), which is not text`;
  }
  return undefined;
}

function loneSurrogateAt(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index++;
      else return index;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return index;
  }
  return -1;
}
