import { z } from "zod";

/** argocd-deployer's variables: where ArgoCD's API server is and how to log in. */
export const argocdConfig = z.object({
  ARGOCD_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("ArgoCD's API server, e.g. https://argocd-server.argocd; its tools fail saying so without it"),
  ARGOCD_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe("an ArgoCD API token (argocd account generate-token); or ARGOCD_USERNAME and ARGOCD_PASSWORD"),
  ARGOCD_USERNAME: z
    .string()
    .min(1)
    .optional()
    .describe("a local ArgoCD account to log in as (session auth)"),
  ARGOCD_PASSWORD: z.string().min(1).optional().describe("that account's password"),
});

export type ArgoCdConfig = z.output<typeof argocdConfig>;
