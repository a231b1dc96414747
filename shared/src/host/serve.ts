import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { FetchHandler } from "../function/define.ts";
import { rememberClientAddress } from "../ratelimit/http.ts";

export interface RunningServer {
  readonly port: number;
  readonly server: Server;
  /** Stops accepting connections and waits for open requests to end. */
  close(): Promise<void>;
}

/**
 * Serves a host's Fetch handler over node:http (port 0 picks a free port) on `hostname`;
 * undefined listens on every interface (see `listenAddress` for who may).
 */
export function serveHost(
  host: { readonly fetch: FetchHandler },
  port: number,
  hostname: string | undefined,
): Promise<RunningServer> {
  const server = createServer(
    getRequestListener((request, env) => {
      rememberClientAddress(request, env.incoming.socket.remoteAddress);
      return host.fetch(request);
    }),
  );
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${port} is in use; stop what uses it or set PORT to another port`)
          : error,
      ),
    );
    server.listen(port, hostname, () => {
      const address = server.address() as AddressInfo;
      resolve({
        port: address.port,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
