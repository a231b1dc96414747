import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { en as zodEnglish } from "zod/locales";
import { createGateway, GatewayAuthenticationError, gateway } from "./ai-gateway-stub.ts";
import * as replacement from "./iconv-lite.ts";
import { en } from "./zod-locales-stub.ts";

/** The real iconv-lite, which the bundles replace; body-parser and raw-body require it. */
const iconv = createRequire(import.meta.url)("iconv-lite") as typeof replacement & {
  encode(text: string, encoding: string): Uint8Array;
};

describe("the bundles' iconv-lite, on Node's TextDecoder", () => {
  const samples: [string, string][] = [
    ["utf-8", "grüße, 東京, 🙂"],
    ["utf-16le", "grüße, 東京, 🙂"],
    ["latin1", "grüße, façade"],
    ["windows-1252", "€ – “quoted” œ"],
    ["iso-8859-2", "zażółć gęślą"],
    ["shift_jis", "東京タワー"],
  ];

  it.each(samples)("decodes %s as iconv-lite does, whole and in chunks split anywhere", (encoding, text) => {
    const bytes = new Uint8Array(iconv.encode(text, encoding));
    expect(replacement.decode(bytes, encoding)).toBe(iconv.decode(bytes, encoding));
    expect(replacement.decode(bytes, encoding)).toBe(text);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      const decoder = replacement.getDecoder(encoding);
      expect(decoder.write(bytes.subarray(0, cut)) + decoder.write(bytes.subarray(cut)) + decoder.end()).toBe(
        text,
      );
    }
  });

  it("drops a byte order mark, as iconv-lite does", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]);
    expect(replacement.decode(bytes, "utf-8")).toBe(iconv.decode(bytes, "utf-8"));
    expect(replacement.decode(bytes, "utf-8")).toBe("hi");
  });

  it("knows the encodings iconv-lite knows for HTTP charsets, and refuses unknown ones the way raw-body expects", () => {
    for (const encoding of [
      "utf-8",
      "UTF8",
      "utf-16le",
      "latin1",
      "us-ascii",
      "windows-1251",
      "koi8-r",
      "gb18030",
    ]) {
      expect([encoding, replacement.encodingExists(encoding)]).toEqual([
        encoding,
        iconv.encodingExists(encoding),
      ]);
    }
    expect(replacement.encodingExists("no-such-charset")).toBe(false);
    // raw-body turns exactly this message into 415 "specified encoding unsupported"
    expect(() => replacement.getDecoder("no-such-charset")).toThrow(
      /^Encoding not recognized: 'no-such-charset'/,
    );
  });
});

describe("the bundles' @ai-sdk/gateway", () => {
  it("recognises no error as its own, and says what to do when a model id string reaches it", () => {
    expect(GatewayAuthenticationError.isInstance(new Error("x"))).toBe(false);
    expect(() => gateway.languageModel).toThrow(/pass the AI SDK a model object/);
    expect(() => createGateway()).toThrow(/not part of mesh-six's Knative bundles/);
  });
});

describe("the bundles' zod locales", () => {
  it("are zod's English messages", () => {
    expect(en).toBe(zodEnglish);
  });
});
