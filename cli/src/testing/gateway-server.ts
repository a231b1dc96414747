import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { gateway } from "@mesh-six/function-gateway";
import {
  createGatewayTestContext,
  type GatewayTestContext,
} from "@mesh-six/function-gateway/testing/context";

export interface GatewayServer {
  readonly url: string;
  readonly ctx: GatewayTestContext;
  /** Drops every open connection, as a proxy timing out a long request does. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** The gateway function served over real HTTP on a free port, on PGlite and a manual clock. */
export async function startGatewayServer(): Promise<GatewayServer> {
  const ctx = await createGatewayTestContext();
  const handler = gateway.http.create(ctx);
  const server = serve({ fetch: (request) => handler(request), port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once("listening", () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  const http = server as import("node:http").Server;
  return {
    url: `http://127.0.0.1:${port}`,
    ctx,
    dropConnections: () => http.closeAllConnections(),
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await ctx.db.close();
    },
  };
}
