import { readFileSync } from "node:fs";

export interface PackageShare {
  /** An npm package (`zod`, `@ai-sdk/openai`), or a folder of this repository (`shared/src`). */
  readonly name: string;
  readonly bytes: number;
}

interface Metafile {
  readonly outputs: Record<string, { readonly inputs: Record<string, { readonly bytesInOutput: number }> }>;
}

/** The bytes each package takes in a bundle, largest first, from its esbuild metafile. */
export function bundleContents(metafile: string): PackageShare[] {
  const meta = JSON.parse(readFileSync(metafile, "utf8")) as Metafile;
  const shares = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split("/").slice(0, 2).join("/");
      shares.set(name, (shares.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...shares]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter((share) => share.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}
