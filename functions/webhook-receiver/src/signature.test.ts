import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { formPayload } from "./body.ts";
import { gitea, github } from "./providers.ts";
import { signatureProblem } from "./signature.ts";

const secret = "It's a Secret to Everybody";
const body = new TextEncoder().encode("Hello, World!");

describe("webhook signatures", () => {
  it("verifies GitHub's documented example: HMAC-SHA256 of the body with the secret, as hex", () => {
    // docs.github.com, "Validating webhook deliveries", Testing the webhook payload validation
    const headers = new Headers({
      "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    });
    expect(signatureProblem(github, secret, headers, [body])).toBeUndefined();
    expect(signatureProblem(github, `${secret}.`, headers, [body])).toMatch(/does not match the body/);
    const upper = new Headers({ "x-hub-signature-256": headers.get("x-hub-signature-256")!.toUpperCase() });
    expect(signatureProblem(github, secret, upper, [body])).toBeUndefined();
  });

  it("takes Gitea's bare hex X-Gitea-Signature, and X-Hub-Signature-256 when it is the one sent", () => {
    const hex = createHmac("sha256", secret).update(body).digest("hex");
    expect(
      signatureProblem(gitea, secret, new Headers({ "x-gitea-signature": hex }), [body]),
    ).toBeUndefined();
    expect(
      signatureProblem(gitea, secret, new Headers({ "x-hub-signature-256": `sha256=${hex}` }), [body]),
    ).toBeUndefined();
    // the first header present decides: a wrong X-Gitea-Signature is not saved by a right X-Hub-Signature-256
    const both = new Headers({ "x-gitea-signature": "0".repeat(64), "x-hub-signature-256": `sha256=${hex}` });
    expect(signatureProblem(gitea, secret, both, [body])).toMatch(/x-gitea-signature does not match/);
  });

  it("refuses what is not a hex SHA-256 before computing anything", () => {
    for (const value of ["", "sha256=", "sha1=abc", `sha256=${"g".repeat(64)}`, `sha256=${"a".repeat(63)}`]) {
      expect(signatureProblem(github, secret, new Headers({ "x-hub-signature-256": value }), [body])).toMatch(
        /is not sha256=<64 hex digits>/,
      );
    }
  });

  it("decodes a form's payload field to the bytes that were encoded", () => {
    const json = '{"a": "x+y = z & 100%", "é": [1]}';
    const encoded = `payload=${encodeURIComponent(json).replaceAll("%20", "+")}&other=1`;
    const decoded = formPayload(new TextEncoder().encode(encoded));
    expect(new TextDecoder().decode(decoded as Uint8Array)).toBe(json);
    expect(formPayload(new TextEncoder().encode("payload=%zz"))).toMatch(
      /a % not followed by two hex digits/,
    );
    expect(formPayload(new TextEncoder().encode("payload=1&payload=2"))).toMatch(/two payload fields/);
  });
});
