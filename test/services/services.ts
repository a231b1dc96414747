import { kafkaService } from "./kafka.ts";
import { neonProxyService } from "./neon-proxy.ts";
import { pgliteServerService } from "./pglite-server.ts";
import { postgresService } from "./postgres.ts";
import { prometheusService } from "./prometheus.ts";
import { redisService } from "./redis.ts";
import type { ServiceModule } from "./service.ts";
import { upstashProxyService } from "./upstash-proxy.ts";

/** Every server `npm run test:services` starts, in start order. Add new ones here. */
export const services: readonly ServiceModule[] = [
  postgresService,
  pgliteServerService,
  neonProxyService,
  redisService,
  upstashProxyService,
  kafkaService,
  prometheusService,
];
