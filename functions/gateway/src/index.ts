import { ApprovalDecided, RunContinued, TaskRequested } from "@mesh-six/events";
import { defineFunction } from "@mesh-six/shared/function/define";
import { createGatewayApp, gatewayPaths } from "./app.ts";
import { gatewayConfig } from "./config.ts";
import { gatewayName } from "./name.ts";

export const gateway = defineFunction({
  name: gatewayName,
  description:
    "The public HTTP face of the mesh: task API, event feed, dead letters, and later the OpenAI-compatible API, A2A and the dashboard.",
  public: true,
  // GET /agents/score runs the agents' dependency checks, as routing does
  runsDependencyChecks: true,
  // POST /tasks; a dead letter replayed from /dead-letters goes out as the event its own emitter declares
  emits: [TaskRequested, RunContinued, ApprovalDecided],
  scaling: { minScale: 0, maxScale: 5, concurrency: 100, timeoutSeconds: 300 },
  config: gatewayConfig,
  // the API keys of every route (name:key:scope[+scope][:user=<id>], comma-separated)
  secrets: [{ env: "MESH_API_KEYS", secret: "mesh-six-api-keys", key: "keys" }],
  http: {
    paths: gatewayPaths,
    create: (ctx) => createGatewayApp(ctx).fetch,
  },
});
