import { z } from "zod";
import { attributeNamePattern } from "../broker/attributes.ts";
import { ConfigError } from "../errors.ts";

/** What Knative gives a function besides mesh-six's own configuration. */
export interface KnativeEnvironment {
  /** The broker ingress URL, injected by the function's SinkBinding. */
  readonly sink: string;
  /** `K_CE_OVERRIDES` extensions, set on every event the function sends. */
  readonly extensions: Readonly<Record<string, string>>;
}

const overridesSchema = z.strictObject({
  extensions: z.record(z.string(), z.string()).default({}),
});

/**
 * Reads `K_SINK` and `K_CE_OVERRIDES` (both set by a SinkBinding). A missing or wrong value
 * stops start-up with a ConfigError naming the variable and how to fix it.
 */
export function readKnativeEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): KnativeEnvironment {
  const sink = env.K_SINK;
  if (!sink) {
    throw new ConfigError(
      "K_SINK",
      "is not set: the function's SinkBinding injects it (check `kubectl get sinkbindings` and that the namespace is labelled bindings.knative.dev/include=true); to run outside a cluster set it to the broker ingress URL, e.g. http://localhost:8080/mesh-six/default.",
    );
  }
  if (!URL.canParse(sink) || !/^https?:$/.test(new URL(sink).protocol)) {
    throw new ConfigError("K_SINK", `must be an http(s) URL (got ${JSON.stringify(sink)}).`);
  }
  return { sink, extensions: readOverrides(env.K_CE_OVERRIDES) };
}

function readOverrides(text: string | undefined): Record<string, string> {
  if (!text) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(
      "K_CE_OVERRIDES",
      `is not JSON (got ${JSON.stringify(text)}); write it as {"extensions":{"name":"value"}}.`,
    );
  }
  const result = overridesSchema.safeParse(json);
  if (!result.success) {
    throw new ConfigError(
      "K_CE_OVERRIDES",
      `${z.prettifyError(result.error)} (got ${text}); write it as {"extensions":{"name":"value"}}.`,
    );
  }
  const wrong = Object.keys(result.data.extensions).filter((name) => !attributeNamePattern.test(name));
  if (wrong.length > 0) {
    throw new ConfigError(
      "K_CE_OVERRIDES",
      `extension names are lowercase letters and digits only; rename ${wrong.map((name) => JSON.stringify(name)).join(", ")}.`,
    );
  }
  return result.data.extensions;
}
