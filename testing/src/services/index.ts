/**
 * For suites that run against real servers (`*.services.test.ts`, started by
 * `npm run test:services`): their addresses, a database of one's own, and waiting for
 * what other processes do.
 */
export { serviceEnv } from "./env.ts";
export { createServiceDatabase, type ServiceDatabase } from "./service-database.ts";
export { until } from "./until.ts";
