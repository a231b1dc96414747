// `npm start` preloads this (node --import): Node keeps the compiled and type-stripped
// modules in its compile cache (the system's temporary folder), so a start after the
// first neither strips the TypeScript again nor loads the stripper.
import { enableCompileCache } from "node:module";

enableCompileCache();
