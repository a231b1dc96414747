import { defineConfig } from "vitest/config";

// `npm run test:services` (test/services/run.ts) starts PostgreSQL, Redis, PGlite over
// the wire, the Neon and Upstash proxies, the Kafka mock cluster and Prometheus, exports
// their addresses as MESH_TEST_* variables and runs these suites. Run alone, they fail:
// each names the variable it lacks.
export default defineConfig({
  test: {
    include: ["**/*.services.test.ts"],
    exclude: ["**/node_modules/**", ".mesh/**"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
