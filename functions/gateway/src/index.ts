import { ApprovalDecided, RunContinued, TaskRequested } from "@mesh-six/events";
import { defineFunction } from "@mesh-six/shared/function/define";
import { createGatewayApp, gatewayPaths } from "./app.ts";
import { gatewayConfig } from "./config.ts";
import { gatewayName } from "./name.ts";
import { restyleForOpenAi } from "./openai/errors.ts";

export const gateway = defineFunction({
  name: gatewayName,
  description:
    "The public HTTP face of the mesh: task API, event feed, dead letters, the OpenAI-compatible API (/v1/chat/completions, /v1/models), and later A2A and the dashboard.",
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
    // the rate limit's 429 on /v1/… in OpenAI's shape, retry-after kept
    restyle: restyleForOpenAi,
  },
});
