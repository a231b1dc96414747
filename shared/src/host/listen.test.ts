import { describe, expect, it } from "vitest";
import { embeddedHostConfig } from "../config/host.ts";
import { readConfig } from "../config/read.ts";
import { ConfigError } from "../errors.ts";
import { isLoopback, listenAddress } from "./listen.ts";

const options = { fallback: "127.0.0.1", keysHint: "e.g. …" };
const hostConfig = (env: Record<string, string>) => readConfig(embeddedHostConfig, env);
const keys = { MESH_API_KEYS: "ops:0123456789abcdef0123:read" };

describe("listenAddress", () => {
  it("listens on the fallback or on HOST when it is loopback, keys or not", () => {
    expect(listenAddress(hostConfig({}), options)).toBe("127.0.0.1");
    expect(listenAddress(hostConfig({ HOST: "::1" }), options)).toBe("::1");
    expect(listenAddress(hostConfig({ HOST: "localhost" }), options)).toBe("localhost");
  });

  it("refuses any other address, and every interface, without MESH_API_KEYS", () => {
    expect(() => listenAddress(hostConfig({ HOST: "0.0.0.0" }), options)).toThrow(ConfigError);
    expect(() => listenAddress(hostConfig({ HOST: "192.0.2.2" }), options)).toThrow(
      /^HOST: is 192\.0\.2\.2, which is not a loopback address: .*MESH_API_KEYS is not set/,
    );
    expect(() => listenAddress(hostConfig({}), { ...options, fallback: undefined })).toThrow(
      /^HOST: is unset, so this host listens on every interface/,
    );
    expect(listenAddress(hostConfig({ HOST: "0.0.0.0", ...keys }), options)).toBe("0.0.0.0");
    expect(listenAddress(hostConfig(keys), { ...options, fallback: undefined })).toBeUndefined();
  });

  it("knows loopback addresses", () => {
    expect(
      ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "::ffff:127.0.0.1", "localhost"].map(isLoopback),
    ).toEqual([true, true, true, true, true, true]);
    expect(["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "example.com", undefined].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
