import type { DependencyCheck } from "../function/define.ts";

/** A dependency check as the registry keeps it (`agents.dependency_checks`): defaults filled in. */
export interface RegisteredCheck {
  readonly name: string;
  /** The URL, `{VARIABLE}` placeholders left for the function that runs the check. */
  readonly url: string;
  readonly expectStatus: { readonly min: number; readonly max: number };
  readonly timeoutMs: number;
}

export const defaultCheckTimeoutMs = 750;
export const maxCheckTimeoutMs = 5_000;

// `{NAME}`: a level-1 URI-template expression (RFC 6570), its value inserted as it is
const placeholder = /\{([^{}]*)\}/g;
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variables `url` names (`{NAME}`), in order, each once. */
export function variablesOf(url: string): string[] {
  return [...new Set([...url.matchAll(placeholder)].map((match) => match[1]!))];
}

/**
 * The check with its defaults, or the first reason it cannot be run (for the error that
 * stops registration): an unknown placeholder, a URL that is not http(s), a status or
 * timeout out of range.
 */
export function registeredCheck(check: DependencyCheck): RegisteredCheck | { readonly problem: string } {
  const url = check.url;
  if (typeof url !== "string" || url.trim() === "") {
    return { problem: 'has no url; give the URL to GET, e.g. "{ARGOCD_SERVER_URL}/api/version"' };
  }
  const wrong = variablesOf(url).filter((name) => !variableName.test(name));
  if (wrong.length > 0 || /[{}]/.test(url.replace(placeholder, ""))) {
    return { problem: `has a malformed placeholder in ${url}; write {NAME}, NAME an environment variable` };
  }
  const sample = url.replace(placeholder, "http://placeholder.test");
  if (!/^\{|^https?:\/\//.test(url) || !URL.canParse(sample)) {
    return {
      problem: `has url ${url}, which is neither an http(s) URL nor one starting with a {VARIABLE} that holds one`,
    };
  }
  const [min, max] = Array.isArray(check.expectStatus)
    ? check.expectStatus
    : typeof check.expectStatus === "number"
      ? [check.expectStatus, check.expectStatus]
      : [200, 299];
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 100 && max <= 599 && min <= max)) {
    return {
      problem: `expects status ${JSON.stringify(check.expectStatus)}; give a code or a range [from, to] within 100–599`,
    };
  }
  const timeoutMs = check.timeoutMs ?? defaultCheckTimeoutMs;
  if (!(Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= maxCheckTimeoutMs)) {
    return {
      problem: `has timeoutMs ${timeoutMs}; use a whole number of milliseconds from 1 to ${maxCheckTimeoutMs} (routing waits for it)`,
    };
  }
  return { name: check.name, url, expectStatus: { min, max }, timeoutMs };
}

/**
 * The URL to GET, with every placeholder replaced from `variable`, or why it cannot be
 * built here: a variable this function's environment lacks, or a result that is no
 * http(s) URL.
 */
export function resolveCheckUrl(
  url: string,
  variable: (name: string) => string | undefined,
): { readonly url: string } | { readonly problem: string } {
  const missing = variablesOf(url).filter((name) => !variable(name));
  if (missing.length > 0) {
    return {
      problem: `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set in this function's environment; set ${missing.length === 1 ? "it" : "them"} where the orchestrator and the gateway run (on Knative, npm run manifests takes ${missing.length === 1 ? "it" : "them"} from the agent's secrets)`,
    };
  }
  const resolved = url.replace(placeholder, (_, name: string) => variable(name) ?? "");
  if (!URL.canParse(resolved) || !/^https?:$/.test(new URL(resolved).protocol)) {
    // the value is not shown: it may hold credentials
    return { problem: `${url}, filled in from ${variablesOf(url).join(", ")}, is not an http(s) URL` };
  }
  return { url: resolved };
}
