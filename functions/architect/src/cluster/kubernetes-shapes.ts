import { z } from "zod";

/** The fields of the Kubernetes API's lists the architect reads (core/v1, apps/v1, metrics.k8s.io/v1beta1); lenient. */
const metadata = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

export const nodeList = z.object({
  items: z.array(
    z.object({
      metadata,
      status: z.object({
        allocatable: z.record(z.string(), z.string()).default({}),
        conditions: z.array(z.object({ type: z.string(), status: z.string() })).default([]),
        nodeInfo: z.object({ kubeletVersion: z.string() }).partial().default({}),
      }),
    }),
  ),
});

export const podList = z.object({
  items: z.array(
    z.object({
      metadata,
      status: z
        .object({
          phase: z.string().default("Unknown"),
          containerStatuses: z
            .array(
              z.object({
                restartCount: z.number().default(0),
                state: z
                  .object({ waiting: z.object({ reason: z.string().optional() }).optional() })
                  .optional(),
                lastState: z
                  .object({ terminated: z.object({ reason: z.string().optional() }).optional() })
                  .optional(),
              }),
            )
            .default([]),
        })
        .default({ phase: "Unknown", containerStatuses: [] }),
    }),
  ),
});

export const deploymentList = z.object({
  items: z.array(
    z.object({
      metadata,
      spec: z.object({ replicas: z.number().default(1) }).default({ replicas: 1 }),
      status: z
        .object({ readyReplicas: z.number().default(0), availableReplicas: z.number().default(0) })
        .default({ readyReplicas: 0, availableReplicas: 0 }),
    }),
  ),
});

const usage = z.object({ cpu: z.string(), memory: z.string() });

export const nodeMetricsList = z.object({ items: z.array(z.object({ metadata, usage })) });

export const podMetricsList = z.object({
  items: z.array(z.object({ metadata, containers: z.array(z.object({ name: z.string(), usage })) })),
});
