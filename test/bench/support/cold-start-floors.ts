import { join } from "node:path";
import { type BundleResult, bundleEntry } from "@mesh-six/knative/bundle/build";

/**
 * The floors a function's cold start stands on, each bundled exactly as a function is
 * (esbuild, minified, one ESM file, the same banner) and started the same way, so the
 * benchmark can say how much of a cold start is the stack every function must carry and
 * how much is mesh-six's own code:
 *
 * - `node:http`: Node's HTTP server answering "ok": the least any HTTP function costs;
 * - `functions-framework`: the framework's own server (`getServer`, Express and its
 *   middleware, what the image's command and the framework's CLI serve with) answering "ok"
 *   from an HTTP function;
 * - `functions-framework + Fetch API`: the same through the adapter every function uses
 *   (functions-framework.ts: Express's request → a Fetch `Request` → the host → a `Response`),
 *   which loads Node's Fetch API (undici);
 * - `+ Postgres`: that, having connected to DATABASE_URL with pg before listening, and
 *   running `select 1` per request: the smallest function with a database.
 *
 * Each prints `floor is serving on port <port>` once it listens, as the functions print theirs.
 */
export const floorNames = [
  "node:http",
  "functions-framework",
  "functions-framework + Fetch API",
  "functions-framework + Fetch API + Postgres",
] as const;
export type FloorName = (typeof floorNames)[number];

/** `node index.mjs --fill-compile-cache`, as a function's image build runs it. */
const fill = [
  'import { fillCompileCache, fillCompileCacheFlag } from "../serve/compile-cache.ts";',
  "if (process.argv.includes(fillCompileCacheFlag)) fillCompileCache();",
];

const listen = [
  "await new Promise((resolve) => server.listen(Number(process.env.PORT), '127.0.0.1', resolve));",
  "process.stdout.write('floor is serving on port ' + server.address().port + '\\n');",
];

const framework = [
  ...fill,
  'import { frameworkServer } from "../serve/framework-server.ts";',
  "const options = { ...frameworkServer.parseOptions([], process.env), target: 'floor', signatureType: 'http' };",
];

const sources: Record<FloorName, string> = {
  "node:http": [
    ...fill,
    // require, as the functions' bundled dependencies load it: an ESM import of node:http
    // builds its namespace from every export, and the lazy `WebSocket` getter among them loads
    // Node's bundled undici (~30 ms)
    'const { createServer } = require("node:http");',
    "const server = createServer((request, response) => { request.resume(); response.end('ok'); });",
    ...listen,
  ].join("\n"),
  "functions-framework": [
    ...framework,
    "const server = frameworkServer.getServer((request, response) => { response.send('ok'); }, options);",
    ...listen,
  ].join("\n"),
  "functions-framework + Fetch API": [
    ...framework,
    'import { frameworkFunction } from "../serve/functions-framework.ts";',
    "const handler = frameworkFunction(async (request) => { await request.arrayBuffer(); return new Response('ok'); });",
    "const server = frameworkServer.getServer(handler, options);",
    ...listen,
  ].join("\n"),
  "functions-framework + Fetch API + Postgres": [
    ...framework,
    'import { frameworkFunction } from "../serve/functions-framework.ts";',
    'import pg from "pg";',
    "const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });",
    "(await pool.connect()).release();",
    "const handler = frameworkFunction(async (request) => {",
    "  await request.arrayBuffer();",
    "  const { rows } = await pool.query('select 1 as one');",
    "  return new Response(String(rows[0].one));",
    "});",
    "const server = frameworkServer.getServer(handler, options);",
    ...listen,
  ].join("\n"),
};

/** Bundles every floor into `<directory>/<index>/index.mjs`. */
export async function buildFloors(directory: string): Promise<Map<FloorName, BundleResult>> {
  const built = new Map<FloorName, BundleResult>();
  for (const [index, name] of floorNames.entries()) {
    built.set(name, await bundleEntry(sources[name], join(directory, String(index))));
  }
  return built;
}

/**
 * What the chosen stack alone weighs in a function's bundle, bundled as a function is: the
 * functions-framework's server; with the AI SDK, its OpenAI provider and zod (what a
 * function that calls a model carries); and with the database and Kv clients every
 * function carries (pg, the Neon driver, the Upstash client).
 */
const stackLayers: readonly (readonly [name: string, imports: readonly string[]])[] = [
  [
    "functions-framework",
    ['import { frameworkServer } from "../serve/framework-server.ts";', "console.log(frameworkServer);"],
  ],
  [
    "+ ai, @ai-sdk/openai, zod",
    [
      'import { generateText, embedMany } from "ai";',
      'import { createOpenAI } from "@ai-sdk/openai";',
      'import { z } from "zod";',
      "console.log(generateText, embedMany, createOpenAI, z.object({ a: z.string() }));",
    ],
  ],
  [
    "+ pg, @neondatabase/serverless, @upstash/redis",
    [
      'import pg from "pg";',
      'import { Pool } from "@neondatabase/serverless";',
      'import { Redis } from "@upstash/redis";',
      "console.log(pg, Pool, Redis);",
    ],
  ],
];

/** The bundle size (KiB) of each of the stack's own layers, each with the ones before it. */
export async function stackBundleKiB(directory: string): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  const lines: string[] = [];
  for (const [index, [name, imports]] of stackLayers.entries()) {
    lines.push(...imports);
    const built = await bundleEntry(lines.join("\n"), join(directory, `size-${index}`));
    sizes[name] = Math.round(built.bytes / 1024);
  }
  return sizes;
}
