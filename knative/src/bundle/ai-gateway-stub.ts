/**
 * Stands in for `@ai-sdk/gateway` in Knative bundles. The AI SDK resolves a model given
 * as a string ("openai/gpt-4o") through the Vercel AI Gateway; mesh-six always passes a
 * model object (an OpenAI-compatible endpoint from LLM_BASE_URL, or the offline model),
 * so the gateway's client and its OIDC code are left out.
 */
const message =
  "the Vercel AI Gateway is not part of mesh-six's Knative bundles: pass the AI SDK a model object (mesh-six's createLlm does), not a model id string";

export class GatewayError extends Error {
  static isInstance(_error: unknown): boolean {
    return false;
  }
}

export class GatewayAuthenticationError extends GatewayError {}

export function createGateway(): never {
  throw new Error(message);
}

/** Any use of the gateway provider fails with the message above. */
export const gateway = new Proxy<Record<string, unknown>>(
  Object.assign(() => {}),
  {
    get: () => {
      throw new Error(message);
    },
    apply: () => {
      throw new Error(message);
    },
  },
);
