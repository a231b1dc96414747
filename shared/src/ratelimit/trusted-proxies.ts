import { BlockList, isIP } from "node:net";

/** The proxies whose `X-Forwarded-For` is believed (TRUSTED_PROXIES); nobody's when empty. */
export interface TrustedProxies {
  readonly entries: readonly string[];
  has(address: string): boolean;
}

/**
 * Parses TRUSTED_PROXIES: comma-separated IP addresses and CIDR ranges, IPv4 or IPv6
 * (`127.0.0.1,10.0.0.0/8,fd00::/8`). Returns the set, or the entries that are neither.
 */
export function parseTrustedProxies(text: string): { proxies: TrustedProxies } | { problems: string[] } {
  const list = new BlockList();
  const entries: string[] = [];
  const problems: string[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const [address = "", prefix, ...extra] = entry.split("/");
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const length = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
    if (family === 0 || extra.length > 0 || !(length >= 0 && length <= bits)) {
      problems.push(`'${entry}' is not an IP address or a CIDR range (e.g. 127.0.0.1, 10.0.0.0/8, fd00::/8)`);
      continue;
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (length === bits) list.addAddress(address, type);
    else list.addSubnet(address, length, type);
    entries.push(entry);
  }
  if (problems.length > 0) return { problems };
  return { proxies: { entries, has: (address) => contains(list, address) } };
}

export const noTrustedProxies: TrustedProxies = { entries: [], has: () => false };

function contains(list: BlockList, address: string): boolean {
  const plain = unmapped(address);
  const family = isIP(plain);
  if (family === 0) return false;
  return list.check(plain, family === 4 ? "ipv4" : "ipv6");
}

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) as `127.0.0.1`. */
export function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1]! : address;
}
