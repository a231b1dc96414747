/** The broker keeps this many bytes of a subscriber's response body (`knativeerrordata`). */
const keptBytes = 1024;

/**
 * The text of a dead letter's `errorData` (base64 of the subscriber's last response body):
 * the body decoded as UTF-8 when it is text, undefined when there is none or it is not text
 * (invalid UTF-8, or control characters other than tab and line breaks). When the body was
 * cut at the broker's 1024 bytes in the middle of a character, that character is dropped.
 */
export function errorText(errorData: string | null): string | undefined {
  if (!errorData) return undefined;
  const bytes = Buffer.from(errorData, "base64");
  if (bytes.length === 0) return undefined;
  const cuts = bytes.length === keptBytes ? [0, 1, 2, 3] : [0];
  for (const cut of cuts) {
    const text = decode(bytes.subarray(0, bytes.length - cut));
    if (text !== undefined) return isText(text) ? text : undefined;
  }
  return undefined;
}

function decode(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function isText(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}
