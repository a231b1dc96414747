import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { frameworkBuildDirectory } from "../serve/framework-server.ts";
import { keptMimeTypes } from "./mime-db.ts";

export const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const here = dirname(fileURLToPath(import.meta.url));

/** Lets CommonJS dependencies (Express, pg, …) `require` Node's built-ins inside the ESM bundle. */
const banner = [
  'import { createRequire as __meshCreateRequire } from "node:module";',
  'import { fileURLToPath as __meshFileUrlToPath } from "node:url";',
  "const require = __meshCreateRequire(import.meta.url);",
  "const __filename = __meshFileUrlToPath(import.meta.url);",
  'const __dirname = __meshFileUrlToPath(new URL(".", import.meta.url));',
].join("\n");

/** Optional native add-ons that pg and ws load inside try/catch; never needed. */
const optionalNative = ["pg-native", "bufferutil", "utf-8-validate"];

/**
 * What a deployed function never uses is replaced, each replacement saying why in its file:
 * PGlite by a stub that says to set DATABASE_URL (pglite-stub.ts), the Vercel AI Gateway
 * by one that says to pass a model (ai-gateway-stub.ts), zod's translations by English
 * alone (zod-locales-stub.ts), iconv-lite's tables by Node's TextDecoder (iconv-lite.ts),
 * mime-db by the JSON, text, form and binary types an HTTP function meets (mime-db.ts).
 */
const replacements: Plugin = {
  name: "mesh-six-replacements",
  setup(builder) {
    const to = (file: string) => () => ({ path: join(here, file) });
    builder.onResolve({ filter: /^@electric-sql\/pglite(-pgvector)?$/ }, to("pglite-stub.ts"));
    builder.onResolve({ filter: /^@ai-sdk\/gateway$/ }, to("ai-gateway-stub.ts"));
    builder.onResolve({ filter: /^iconv-lite$/ }, to("iconv-lite.ts"));
    builder.onResolve({ filter: /^mime-db$/ }, () => ({ path: "mime-db", namespace: "mesh-six-mime-db" }));
    builder.onLoad({ filter: /.*/, namespace: "mesh-six-mime-db" }, () => ({
      loader: "json",
      contents: JSON.stringify(keptMimeTypes()),
    }));
    builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? to("zod-locales-stub.ts")() : undefined,
    );
  },
};

/**
 * The functions-framework's server and option parser are files of its CLI that the package
 * does not export (framework-server.ts requires them from node_modules); a bundle imports
 * the same files, so it carries them.
 */
const frameworkServerPlugin: Plugin = {
  name: "mesh-six-framework-server",
  setup(builder) {
    const module = join(here, "../serve/framework-server.ts");
    builder.onLoad({ filter: /[\\/]serve[\\/]framework-server\.ts$/ }, (args) => {
      if (args.path !== module) return undefined;
      const file = (name: string) => JSON.stringify(join(frameworkBuildDirectory, name));
      return {
        loader: "js",
        resolveDir: here,
        contents: [
          `import { getServer } from ${file("server.js")};`,
          `import { parseOptions } from ${file("options.js")};`,
          "export const frameworkServer = { getServer, parseOptions };",
        ].join("\n"),
      };
    });
  },
};

export interface BundleResult {
  readonly file: string;
  readonly bytes: number;
  /** esbuild's metafile of the bundle (`<outDir>/meta.json`): every input and its bytes in the output. */
  readonly metafile: string;
}

/**
 * Bundles `source` (an entry module's text, resolved from this folder) into one ESM file,
 * `<outDir>/index.mjs`, for Node 24: everything it imports, nothing else. `minify: false`
 * keeps the names, for reading a CPU profile of the bundle.
 */
export async function bundleEntry(
  source: string,
  outDir: string,
  { minify = true }: { readonly minify?: boolean } = {},
): Promise<BundleResult> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "index.mjs");
  const result = await build({
    stdin: { contents: source, resolveDir: here, sourcefile: "entry.ts", loader: "ts" },
    absWorkingDir: repositoryRoot,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    outfile: file,
    banner: { js: banner },
    external: optionalNative,
    plugins: [replacements, frameworkServerPlugin],
    minify,
    legalComments: "none",
    logLevel: "silent",
    metafile: true,
  });
  if (result.errors.length > 0) {
    throw new Error(`bundling failed: ${result.errors.map((error) => error.text).join("; ")}`);
  }
  // what is in the bundle, by input file: `npm run bench -- cold-start` lists the largest packages
  writeFileSync(join(outDir, "meta.json"), JSON.stringify(result.metafile));
  return { file, bytes: statSync(file).size, metafile: join(outDir, "meta.json") };
}
