import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// `npm test`: unit tests and the embedded-host suites (PGlite, in-process broker).
// Suites that need Postgres, Redis or Kafka servers are *.services.test.ts and run
// under vitest.services.config.ts (`npm run test:services`).
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/*.services.test.ts", ".mesh/**", "**/.scratch/**"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // initdb once per run; each PGlite a test opens starts from a copy of it
    globalSetup: ["./test/support/pglite-template.global.ts"],
    setupFiles: ["./test/support/pglite-template.setup.ts"],
    // most suites wait on child processes, sockets and PGlite rather than compute, so one
    // more file than cores keeps the machine busy (npm test: 538 s with 2 workers on 2 cores)
    maxWorkers: Math.max(2, availableParallelism() + 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
