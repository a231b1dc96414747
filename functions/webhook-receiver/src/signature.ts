import { createHmac, timingSafeEqual } from "node:crypto";
import type { Provider } from "./providers.ts";

/**
 * Why the delivery's signature does not hold, or undefined when it does: the first of the
 * provider's signature headers present must be its prefix and 64 hex digits, the
 * HMAC-SHA256 with `secret` of one of `signed` (the raw body; for a form-encoded body also
 * its `payload` field, which is what Gitea signs), compared in constant time.
 */
export function signatureProblem(
  provider: Provider,
  secret: string,
  headers: Headers,
  signed: readonly Uint8Array[],
): string | undefined {
  const header = provider.signatureHeaders.find(({ name }) => headers.has(name));
  const names = provider.signatureHeaders.map(({ name }) => name).join(" or ");
  if (!header) {
    return `the delivery carries no ${names} header, so it is not signed: give the webhook a secret in ${provider.title}, the value of ${provider.secretVariable}`;
  }
  const value = headers.get(header.name)?.trim() ?? "";
  const digits = value.toLowerCase().startsWith(header.prefix) ? value.slice(header.prefix.length) : "";
  if (!/^[0-9a-fA-F]{64}$/.test(digits)) {
    return `${header.name} is not ${header.prefix}<64 hex digits> (HMAC-SHA256 of the body)`;
  }
  const given = Buffer.from(digits, "hex");
  const matches = signed.some((bytes) => {
    const expected = createHmac("sha256", secret).update(bytes).digest();
    return timingSafeEqual(given, expected);
  });
  if (matches) return undefined;
  return `${header.name} does not match the body: the webhook's secret in ${provider.title} is not the value of ${provider.secretVariable}, or the body was changed on the way`;
}
