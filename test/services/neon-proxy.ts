import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, connect } from "node:net";
import pg from "pg";
import { WebSocketServer } from "ws";
import type { ServiceModule } from "./service.ts";

const loopback = new Set(["127.0.0.1", "localhost", "::1"]);

/**
 * What Neon runs in front of Postgres, for any local Postgres server, so the real
 * `@neondatabase/serverless` driver is tested end to end:
 * - WebSocket `/v2?address=host:port`: raw Postgres protocol bytes, both ways (Neon's wsproxy);
 * - `POST /sql`: Neon's HTTP query API. `{query, params}` in, `{fields, rows, rowCount,
 *   command}` out with rows as arrays of Postgres text values (the driver parses them);
 *   the server comes from the `Neon-Connection-String` header.
 * Only loopback addresses are reachable through it.
 */
export async function startNeonProxy() {
  const pools = new Map<string, pg.Pool>();
  const server = createServer((request, response) => {
    sql(request, response, pools).catch((error: unknown) => send(response, 500, { message: String(error) }));
  });
  const sockets = new WebSocketServer({ server });
  sockets.on("connection", (socket, request) => {
    const address = new URL(request.url ?? "/", "http://proxy").searchParams.get("address") ?? "";
    const [host, port] = splitAddress(address);
    if (!host || !loopback.has(host) || !port) {
      socket.close(1008, `address ${address} is not a loopback host:port`);
      return;
    }
    const tcp = connect(port, host);
    socket.on("message", (data: Buffer) => tcp.write(data));
    socket.on("close", () => tcp.end());
    socket.on("error", () => tcp.destroy());
    tcp.on("data", (data) => socket.send(data));
    tcp.on("close", () => socket.close());
    tcp.on("error", () => socket.close(1011, "the database connection failed"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** For Neon's `wsProxy`: host:port/path, no protocol. */
    wsProxy: `127.0.0.1:${port}/v2`,
    /** For Neon's `fetchEndpoint`. */
    fetchEndpoint: `http://127.0.0.1:${port}/sql`,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all([...pools.values()].map((pool) => pool.end()));
    },
  };
}

function splitAddress(address: string): [string | undefined, number | undefined] {
  const separator = address.lastIndexOf(":");
  if (separator < 0) return [undefined, undefined];
  const port = Number(address.slice(separator + 1));
  return [address.slice(0, separator).replace(/^\[|\]$/g, ""), Number.isInteger(port) ? port : undefined];
}

async function sql(request: IncomingMessage, response: ServerResponse, pools: Map<string, pg.Pool>) {
  const path = new URL(request.url ?? "/", "http://proxy").pathname;
  if (request.method !== "POST" || path !== "/sql") return send(response, 404, { message: "POST /sql only" });
  const connectionString = String(request.headers["neon-connection-string"] ?? "");
  let target: URL;
  try {
    target = new URL(connectionString);
  } catch {
    return send(response, 400, { message: "the Neon-Connection-String header is missing or not a URL" });
  }
  if (!loopback.has(target.hostname)) return send(response, 400, { message: "only loopback databases" });
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { query?: string; params?: unknown[] };
  if (typeof body.query !== "string") {
    return send(response, 400, { message: "this proxy runs one {query, params} per request, not batches" });
  }
  let pool = pools.get(connectionString);
  if (!pool) {
    pool = new pg.Pool({ connectionString, max: 4 });
    pool.on("error", () => {});
    pools.set(connectionString, pool);
  }
  try {
    const result = await pool.query({
      text: body.query,
      values: body.params ?? [],
      rowMode: "array",
      // Raw text values: the driver parses them itself, as it does with Neon's answers.
      types: { getTypeParser: () => (value: string) => value },
    });
    send(response, 200, {
      command: result.command,
      rowCount: result.rowCount,
      rows: result.rows,
      fields: result.fields.map((field) => ({ ...field })),
      rowAsArray: true,
    });
  } catch (error) {
    const { message, ...details } = error as Error & Record<string, unknown>;
    send(response, 400, { message, ...details });
  }
}

function send(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** The proxy as a service. Exports MESH_TEST_NEON_WS_PROXY and MESH_TEST_NEON_FETCH_ENDPOINT. */
export const neonProxyService: ServiceModule = {
  name: "neon-proxy",
  packages: [],
  installed: async () => true,
  async start({ log }) {
    const proxy = await startNeonProxy();
    log(`Neon WebSocket and HTTP proxy on ${proxy.fetchEndpoint.replace("/sql", "")}`);
    return {
      env: { MESH_TEST_NEON_WS_PROXY: proxy.wsProxy, MESH_TEST_NEON_FETCH_ENDPOINT: proxy.fetchEndpoint },
      stop: () => proxy.close(),
    };
  },
};
