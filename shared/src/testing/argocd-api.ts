import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * ArgoCD's API server as a dependency check sees it, for tests: `GET /api/version` answers
 * a `versionVersionMessage` (the shape in argo-cd's assets/swagger.json, operation
 * VersionService_Version) and `GET /healthz` answers `ok` (the server's liveness endpoint),
 * both 200 while `healthy`, 503 while not. Every request's path is kept.
 */
export interface ArgoCdApi {
  /** Base URL, e.g. http://127.0.0.1:41234: what ARGOCD_SERVER_URL holds. */
  readonly url: string;
  healthy: boolean;
  readonly requests: string[];
  close(): Promise<void>;
}

const version = {
  Version: "v2.14.9+38985bd",
  BuildDate: "2025-04-08T21:11:01Z",
  GitCommit: "38985bdcd6c3b031fb83757a1fb0c39a55bf6a24",
  GitTag: "v2.14.9",
  GitTreeState: "clean",
  GoVersion: "go1.23.5",
  Compiler: "gc",
  Platform: "linux/amd64",
  KustomizeVersion: "v5.4.3 2024-07-19T16:40:33Z",
  HelmVersion: "v3.16.3+gcfd0749",
  KubectlVersion: "v0.31.0",
};

export async function startArgoCdApi(): Promise<ArgoCdApi> {
  const requests: string[] = [];
  const api = { healthy: true };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://argocd").pathname;
    requests.push(`${request.method} ${path}`);
    if (request.method !== "GET" || (path !== "/api/version" && path !== "/healthz")) {
      response.writeHead(404, { "content-type": "text/plain" }).end("404 page not found");
      return;
    }
    if (!api.healthy) {
      response.writeHead(503, { "content-type": "text/plain" }).end("argocd-server is unavailable");
      return;
    }
    if (path === "/healthz") response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    else response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(version));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get healthy() {
      return api.healthy;
    },
    set healthy(value) {
      api.healthy = value;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
