/** JSON.parse that answers undefined for text that is not JSON (an HTML error page, an empty body). */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
