#!/usr/bin/env node
// `npx mesh`: Node 24 (from node_modules/.bin) runs the TypeScript source directly.
import { main } from "../src/mesh.ts";

await main();
