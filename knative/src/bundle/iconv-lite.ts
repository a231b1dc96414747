/**
 * Stands in for `iconv-lite` in Knative bundles: the part body-parser and raw-body use
 * (`encodingExists`, `decode`, `getDecoder`), on Node's own TextDecoder, which knows every
 * WHATWG encoding. iconv-lite's own tables are half a megabyte of the bundle, for request
 * charsets a CloudEvents broker never sends. Like iconv-lite, a BOM is dropped and an
 * unknown encoding throws "Encoding not recognized: …", which raw-body answers with 415.
 */
function decoderFor(encoding: string): InstanceType<typeof TextDecoder> {
  try {
    return new TextDecoder(encoding);
  } catch {
    throw new Error(`Encoding not recognized: '${encoding}' (searched with Node's TextDecoder)`);
  }
}

export function encodingExists(encoding: string): boolean {
  try {
    new TextDecoder(encoding);
    return true;
  } catch {
    return false;
  }
}

export function decode(bytes: Uint8Array, encoding: string): string {
  return decoderFor(encoding).decode(bytes);
}

export function getDecoder(encoding: string): { write(chunk: Uint8Array): string; end(): string } {
  const decoder = decoderFor(encoding);
  return {
    write: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode(),
  };
}

export default { encodingExists, decode, getDecoder };
