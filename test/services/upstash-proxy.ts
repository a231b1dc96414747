import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { connectResp, type RespConnection, type RespReply } from "./resp.ts";
import { createScriptFlags, type ScriptFlags } from "./script-flags.ts";
import type { ServiceModule } from "./service.ts";

/**
 * Upstash's Redis REST API in front of a real Redis, so the real `@upstash/redis`
 * client is tested end to end: `POST /` with a command array, `POST /pipeline` and
 * `POST /multi-exec` with arrays of them; `Authorization: Bearer <token>`; bodies
 * `{result}` or `{error}`; with `Upstash-Encoding: base64`, string results base64
 * encoded (except the status "OK"), as the client expects.
 */
export async function startUpstashProxy(redis: { host: string; port: number }, token: string) {
  const connection = await connectResp(redis.host, redis.port);
  const scripts = createScriptFlags();
  const server = createServer((request, response) => {
    handle(request, response, connection, token, scripts).catch((error: unknown) => {
      reply(response, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      connection.close();
    },
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  redis: RespConnection,
  token: string,
  scripts: ScriptFlags,
) {
  if (request.headers.authorization !== `Bearer ${token}`) {
    return reply(response, 401, { error: "Unauthorized" });
  }
  if (request.method !== "POST") return reply(response, 405, { error: "only POST is supported" });
  const base64 = String(request.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
  const body = await readJson(request);
  const path = new URL(request.url ?? "/", "http://proxy").pathname;
  const isCommand = (value: unknown): value is unknown[] => Array.isArray(value) && value.length > 0;
  if (path === "/") {
    if (!isCommand(body)) return reply(response, 400, { error: "ERR the body must be a command array" });
    const [result] = await redis.send([scripts.rewrite(body)]);
    return result!.kind === "error"
      ? reply(response, 400, { error: result!.message })
      : reply(response, 200, { result: json(result!, base64) });
  }
  if (path === "/pipeline" || path === "/multi-exec") {
    const commands: unknown[] = Array.isArray(body) ? body : [];
    if (!Array.isArray(body) || !commands.every(isCommand)) {
      return reply(response, 400, { error: "ERR the body must be an array of command arrays" });
    }
    if (path === "/pipeline") {
      const results = await redis.send(commands.filter(isCommand).map(scripts.rewrite));
      return reply(
        response,
        200,
        results.map((result) => entry(result, base64)),
      );
    }
    // MULTI, the commands and EXEC are written together, so nothing interleaves.
    const results = await redis.send([
      ["MULTI"],
      ...commands.filter(isCommand).map(scripts.rewrite),
      ["EXEC"],
    ]);
    const exec = results.at(-1)!;
    if (exec.kind === "error") return reply(response, 400, { error: exec.message });
    const items = exec.kind === "array" && exec.items ? exec.items : [];
    return reply(
      response,
      200,
      items.map((result) => entry(result, base64)),
    );
  }
  return reply(response, 404, { error: `no such endpoint ${path}` });
}

function entry(result: RespReply, base64: boolean) {
  return result.kind === "error" ? { error: result.message } : { result: json(result, base64) };
}

function json(result: RespReply, base64: boolean): unknown {
  const text = (value: string | Buffer) =>
    base64 ? Buffer.from(value).toString("base64") : Buffer.from(value).toString("utf8");
  switch (result.kind) {
    case "simple":
      return result.value === "OK" || !base64 ? result.value : text(result.value);
    case "bulk":
      return result.value === null ? null : text(result.value);
    case "integer":
      return result.value;
    case "error":
      return null;
    case "array":
      return result.items === null ? null : result.items.map((item) => json(item, base64));
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}

function reply(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** The proxy as a service in front of the redis module. Exports MESH_TEST_UPSTASH_URL and _TOKEN. */
export const upstashProxyService: ServiceModule = {
  name: "upstash-rest-proxy",
  packages: [],
  installed: async () => true,
  async start({ env, log }) {
    const redisUrl = env.MESH_TEST_REDIS_URL;
    if (!redisUrl) throw new Error("the Upstash proxy needs the redis service before it");
    const { hostname, port } = new URL(redisUrl);
    const token = randomBytes(16).toString("hex");
    const proxy = await startUpstashProxy({ host: hostname, port: Number(port) }, token);
    log(`Upstash REST proxy on ${proxy.url}`);
    return {
      env: { MESH_TEST_UPSTASH_URL: proxy.url, MESH_TEST_UPSTASH_TOKEN: token },
      stop: () => proxy.close(),
    };
  },
};
