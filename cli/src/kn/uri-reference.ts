/**
 * Why `text` is not a URI reference (RFC 3986 §4.1: a URI or a relative reference), or
 * undefined when it is one. Letters beyond ASCII pass, as kn sends them (UTF-8 bytes);
 * control characters are refused before this is asked.
 */
export function uriReferenceProblem(text: string): string | undefined {
  const stray = [...text].find((char) => notInUris.includes(char));
  if (stray !== undefined) {
    const escaped = `%${stray.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
    return `it has ${stray === " " ? "a space" : `a '${stray}'`}; write it as ${escaped}`;
  }
  if (/%(?![0-9a-fA-F]{2})/.test(text)) return "it has a '%' that is not a %-escape (like %20)";
  const hash = text.indexOf("#");
  if (hash >= 0 && text.indexOf("#", hash + 1) >= 0) return "it has a second '#'; write it as %23";
  const beforeFragment = hash >= 0 ? text.slice(0, hash) : text;
  const scheme = /^([^:/?#]*):/.exec(beforeFragment)?.[1];
  if (scheme !== undefined && !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme)) {
    const what = scheme === "" ? "nothing comes before its first ':'" : `'${scheme}' is not a scheme`;
    return `${what}, and a relative reference cannot have ':' in its first segment; give a scheme (such as urn:), or use ./${text} for a path`;
  }
  const rest = scheme === undefined ? beforeFragment : beforeFragment.slice(scheme.length + 1);
  const authority = rest.startsWith("//") ? /^\/\/([^/?#]*)/.exec(rest)![1]! : undefined;
  const afterAuthority = authority === undefined ? rest : rest.slice(authority.length + 2);
  if (authority !== undefined) {
    const problem = authorityProblem(authority);
    if (problem) return problem;
  }
  const bracket = /[[\]]/.exec(`${afterAuthority}${hash >= 0 ? text.slice(hash) : ""}`)?.[0];
  if (bracket !== undefined) return `it has a '${bracket}' outside an IPv6 host; write it %-escaped`;
  return undefined;
}

/** ASCII that RFC 3986 allows nowhere in a URI; each must be %-escaped. */
const notInUris = [" ", '"', "<", ">", "\\", "^", "`", "{", "|", "}"];

function authorityProblem(authority: string): string | undefined {
  const hostAndPort = authority.slice(authority.lastIndexOf("@") + 1);
  let port: string;
  if (hostAndPort.startsWith("[")) {
    const close = hostAndPort.indexOf("]");
    if (close < 0) return "an IPv6 host needs its closing ']', as in http://[::1]:8080/";
    const after = hostAndPort.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) return `'${after}' follows the IPv6 host; only :<port> may`;
    port = after.slice(1);
  } else {
    const colon = hostAndPort.indexOf(":");
    const host = colon < 0 ? hostAndPort : hostAndPort.slice(0, colon);
    if (/[[\]]/.test(host)) return "it has a '[' outside an IPv6 host; write it %-escaped";
    port = colon < 0 ? "" : hostAndPort.slice(colon + 1);
  }
  return /^\d*$/.test(port) ? undefined : `its port '${port}' is not a number`;
}
