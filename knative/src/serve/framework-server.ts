import type { Server } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { HttpFunction } from "@google-cloud/functions-framework";

/** The options the functions-framework's CLI parses (its `FrameworkOptions`). */
export interface FrameworkOptions {
  port: string;
  target: string;
  sourceLocation: string;
  signatureType: "http" | "event" | "cloudevent" | "typed";
  printHelp: boolean;
  enableExecutionId: boolean;
  timeoutMilliseconds: number;
  ignoredRoutes: string | null;
}

export interface FrameworkServer {
  /** The framework's `getServer`: the Express app its CLI serves a loaded function with. */
  getServer(userFunction: HttpFunction, options: FrameworkOptions): Server;
  /** The framework's `parseOptions`: flags, else FUNCTION_TARGET, PORT, CLOUD_RUN_TIMEOUT_SECONDS, IGNORED_ROUTES… */
  parseOptions(cliArgs: readonly string[], environment: NodeJS.ProcessEnv): FrameworkOptions;
}

const require = createRequire(import.meta.url);

/**
 * The folder of the functions-framework's compiled CLI (`build/src`, beside its `main.js`,
 * the package's `bin`). `server.js` and `options.js` are what the CLI runs, but the
 * package exports only its registration API and the beta `testing` helpers, so they are
 * reached by file. In a bundle this module is replaced by static imports of the same
 * files (`frameworkServerPlugin`), so the bundle carries them.
 */
export const frameworkBuildDirectory = dirname(require.resolve("@google-cloud/functions-framework"));

/** The framework's own server and option parser, loaded from node_modules. */
export const frameworkServer: FrameworkServer = {
  getServer: (require(join(frameworkBuildDirectory, "server.js")) as Pick<FrameworkServer, "getServer">)
    .getServer,
  parseOptions: (
    require(join(frameworkBuildDirectory, "options.js")) as Pick<FrameworkServer, "parseOptions">
  ).parseOptions,
};
