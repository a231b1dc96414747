import { ConfigError } from "@mesh-six/shared/errors";
import { z } from "zod";
import { ArgoCdError } from "./errors.ts";
import { answerFailure, errorBody, type RequestContext } from "./failure.ts";
import { safeJson } from "./json.ts";

export interface Credentials {
  /** An API token (`argocd account generate-token`): sent as a bearer token. */
  readonly token?: string;
  /** A local account's name and password: exchanged for a session token (`POST /api/v1/session`). */
  readonly username?: string;
  readonly password?: string;
}

type Send = (body: unknown) => Promise<{ response: Response; text: string; context: RequestContext }>;

const session = z.object({ token: z.string().min(1) });

/**
 * Where the bearer token comes from: the API token as given, or a session token got by
 * logging in, kept, and got again once when the server answers 401 (it expired).
 */
export function sessionAuth(credentials: Credentials, login: Send) {
  const { token, username, password } = credentials;
  if (token && (username || password)) {
    throw new ConfigError(
      "ARGOCD_TOKEN",
      "give either ARGOCD_TOKEN or ARGOCD_USERNAME and ARGOCD_PASSWORD, not both",
    );
  }
  if ((username && !password) || (!username && password)) {
    throw new ConfigError(
      username ? "ARGOCD_PASSWORD" : "ARGOCD_USERNAME",
      "session login needs both ARGOCD_USERNAME and ARGOCD_PASSWORD",
    );
  }
  let current: Promise<string> | undefined;
  const logIn = async (): Promise<string> => {
    const { response, text, context } = await login({ username, password });
    const json = safeJson(text);
    if (!response.ok) {
      const parsed = errorBody.safeParse(json);
      throw answerFailure(response.status, parsed.success ? parsed.data : undefined, context);
    }
    const parsed = session.safeParse(json);
    if (!parsed.success) {
      throw new ArgoCdError(
        "unreachable",
        `${context.request} answered without a session token; is ARGOCD_URL ArgoCD's API server?`,
        {
          retryable: false,
          status: response.status,
        },
      );
    }
    return parsed.data.token;
  };
  return {
    /** Whether a 401 may be answered by logging in again. */
    renewable: Boolean(username),
    async token(options: { renew?: boolean } = {}): Promise<string | undefined> {
      if (token) return token;
      if (!username) return undefined;
      if (!current || options.renew) {
        current = logIn();
        current.catch(() => {
          current = undefined;
        });
      }
      return current;
    },
  };
}
