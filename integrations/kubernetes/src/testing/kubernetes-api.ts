import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Operation, operationAccess } from "../access.ts";
import { type Cluster, sampleCluster } from "./cluster.ts";
import { operationOf, route } from "./routes.ts";

/**
 * The Kubernetes API server for tests, from its OpenAPI spec: the core/v1 and apps/v1
 * paths the client calls (pods, logs, events, nodes, deployments with server-side apply,
 * strategic-merge, JSON and merge patches, the scale subresource, ReplicaSets), over an
 * in-memory cluster whose deployment controller keeps revisions as the real one does. An
 * operation in `forbidden` answers 403 with the API server's own Status message. Every
 * request is kept as `METHOD /path`, with each patch's content type and body in `patches`.
 */
export interface KubernetesApi {
  /** What a kubeconfig's cluster `server` holds. */
  readonly url: string;
  readonly cluster: Cluster;
  /** Operations the ServiceAccount may not make (answered 403). */
  readonly forbidden: Set<Operation>;
  readonly requests: string[];
  readonly patches: { path: string; contentType: string; query: string; body: unknown }[];
  close(): Promise<void>;
}

export async function startKubernetesApi(cluster: Cluster = sampleCluster()): Promise<KubernetesApi> {
  const forbidden = new Set<Operation>();
  const requests: string[] = [];
  const patches: KubernetesApi["patches"] = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://kubernetes");
    const method = request.method ?? "GET";
    requests.push(`${method} ${url.pathname}`);
    const text = await readText(request);
    const contentType = request.headers["content-type"] ?? "";
    const body = text ? safeJson(text) : undefined;
    if (method === "PATCH") patches.push({ path: url.pathname, contentType, query: url.search, body });
    const operation = operationOf(method, url.pathname);
    if (operation && forbidden.has(operation)) {
      const rule = operationAccess[operation];
      const resource = rule.resources[0] ?? "";
      const group = rule.apiGroups[0] ?? "";
      const namespace = url.pathname.match(/\/namespaces\/([^/]+)/)?.[1];
      const message = `${resource.split("/")[0]}${group ? `.${group}` : ""} is forbidden: User "system:serviceaccount:mesh-six:kubectl-deployer" cannot ${rule.verbs[0]} resource "${resource}" in API group "${group}"${namespace ? ` in the namespace "${namespace}"` : " at the cluster scope"}`;
      return send(response, 403, status(403, "Forbidden", message));
    }
    const answer = route(cluster, { method, url, body, contentType });
    if (!answer)
      return send(response, 404, status(404, "NotFound", "the server could not find the requested resource"));
    if ("text" in answer) {
      response.writeHead(200, { "content-type": "text/plain" }).end(answer.text);
      return;
    }
    if ("error" in answer)
      return send(
        response,
        answer.error.code,
        status(answer.error.code, answer.error.reason, answer.error.message),
      );
    send(response, 200, answer.value);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cluster,
    forbidden,
    requests,
    patches,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The API's Status object (io.k8s.apimachinery.pkg.apis.meta.v1.Status). */
function status(code: number, reason: string, message: string) {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
}
