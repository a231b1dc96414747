import { z } from "zod";
import { kubernetesOf } from "../client.ts";
import { kubeTool } from "../kube-tool.ts";
import { namespace, pod } from "../names.ts";

export const listPods = kubeTool({
  description:
    "The pods of a namespace (optionally those a label selector picks): phase, readiness, restarts, waiting reasons, last termination.",
  input: z.object({
    namespace,
    selector: z.string().max(500).optional().describe("a label selector, e.g. app=shop"),
  }),
  operations: ["listPods"],
  run: (input, ctx) => kubernetesOf(ctx).listPods(input.namespace, input.selector),
});

export const describePod = kubeTool({
  description:
    "One pod as kubectl describe shows it: containers, their states and restarts, labels, and the events about it.",
  input: z.object({ namespace, pod }),
  operations: ["readPod", "listEvents"],
  run: (input, ctx) => kubernetesOf(ctx).describePod(input.namespace, input.pod),
});

export const podLogs = kubeTool({
  description:
    "The last lines of a pod's log (of its previous container with previous=true: why it crashed).",
  input: z.object({
    namespace,
    pod,
    previous: z.boolean().describe("the log of the container before its last restart"),
    container: z.string().max(253).optional().describe("which container; the only one when omitted"),
  }),
  operations: ["readPodLog"],
  run: async (input, ctx) => ({
    log: await kubernetesOf(ctx).podLogs(input.namespace, input.pod, {
      previous: input.previous,
      tailLines: 100,
      ...(input.container ? { container: input.container } : {}),
    }),
  }),
});

export const events = kubeTool({
  description:
    "The events of a namespace: warnings (BackOff, OOMKilling, FailedScheduling, …) and what they are about.",
  input: z.object({ namespace }),
  operations: ["listEvents"],
  run: (input, ctx) => kubernetesOf(ctx).events(input.namespace),
});

export const listDeployments = kubeTool({
  description: "The Deployments of a namespace: revision, replicas wanted and ready, images.",
  input: z.object({ namespace }),
  operations: ["listDeployments"],
  run: (input, ctx) => kubernetesOf(ctx).listDeployments(input.namespace),
});

export const clusterNodes = kubeTool({
  description: "The cluster's nodes: readiness, kubelet version, capacity.",
  input: z.object({}),
  operations: ["listNodes"],
  run: (_input, ctx) => kubernetesOf(ctx).listNodes(),
});
