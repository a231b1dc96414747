import { z } from "zod";
import { namespace, pod } from "./names.ts";

/** A deploy-service, rollback-service, debug-pods or inspect-cluster payload. */
export const kubectlRequest = z.object({
  service: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, "is not a Deployment name")
    .optional()
    .describe("the Deployment (deploy, rollback, debug)"),
  namespace: namespace.optional().describe("the namespace; KUBECTL_NAMESPACE when omitted"),
  image: z.string().min(2).max(500).optional().describe("deploy-service: the image to deploy"),
  version: z
    .union([z.string().min(1).max(128), z.number()])
    .optional()
    .describe("deploy-service: the tag to deploy"),
  toRevision: z.number().int().min(1).optional().describe("rollback-service: the revision to go back to"),
  pod: pod.optional().describe("debug-pods: the pod to look at"),
  query: z.string().max(4000).optional().describe("anything more the requester says"),
  userId: z.string().min(1).max(200).optional(),
});

export type KubectlRequest = z.output<typeof kubectlRequest>;
