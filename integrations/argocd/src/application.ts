import { z } from "zod";

/**
 * The parts of ArgoCD's `v1alpha1Application` (assets/swagger.json) mesh-six reads;
 * lenient (ArgoCD adds fields), every other field kept.
 */
const historyEntry = z.looseObject({
  id: z.union([z.number(), z.string()]).transform(Number),
  revision: z.string().optional(),
  deployedAt: z.string().optional(),
});

export const application = z.looseObject({
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  spec: z
    .looseObject({
      project: z.string().optional(),
      source: z
        .looseObject({
          repoURL: z.string().optional(),
          path: z.string().optional(),
          targetRevision: z.string().optional(),
        })
        .optional(),
      destination: z
        .looseObject({ server: z.string().optional(), namespace: z.string().optional() })
        .optional(),
    })
    .optional(),
  status: z
    .looseObject({
      sync: z.looseObject({ status: z.string().optional(), revision: z.string().optional() }).optional(),
      health: z.looseObject({ status: z.string().optional(), message: z.string().optional() }).optional(),
      history: z.array(historyEntry).optional(),
      operationState: z
        .looseObject({ phase: z.string().optional(), message: z.string().optional() })
        .optional(),
    })
    .optional(),
});

export type Application = z.infer<typeof application>;

export const applicationList = z.looseObject({ items: z.array(application).nullish() });

/** `v1alpha1ApplicationTree`: the resources an application manages, each with its health. */
export const applicationTree = z.looseObject({
  nodes: z
    .array(
      z.looseObject({
        kind: z.string(),
        name: z.string(),
        namespace: z.string().optional(),
        group: z.string().optional(),
        version: z.string().optional(),
        health: z.looseObject({ status: z.string().optional(), message: z.string().optional() }).optional(),
      }),
    )
    .nullish(),
});

export type ApplicationTree = z.infer<typeof applicationTree>;

/** Sync and health status of an application, as the deployer reports it. */
export interface ApplicationStatus {
  readonly name: string;
  /** `Synced`, `OutOfSync`, `Unknown`. */
  readonly sync: string;
  /** `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown`. */
  readonly health: string;
  readonly revision: string | undefined;
  /** The last operation's phase (`Running`, `Succeeded`, `Failed`, `Error`, `Terminating`), when there was one. */
  readonly operation: string | undefined;
  readonly history: readonly { id: number; revision?: string | undefined; deployedAt?: string | undefined }[];
}

export function statusOf(app: Application): ApplicationStatus {
  return {
    name: app.metadata.name,
    sync: app.status?.sync?.status ?? "Unknown",
    health: app.status?.health?.status ?? "Unknown",
    revision: app.status?.sync?.revision,
    operation: app.status?.operationState?.phase,
    history: (app.status?.history ?? []).map(({ id, revision, deployedAt }) => ({
      id,
      revision,
      deployedAt,
    })),
  };
}
