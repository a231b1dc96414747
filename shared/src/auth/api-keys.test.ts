import { describe, expect, it } from "vitest";
import { apiKeysConfig } from "../config/access.ts";
import { readConfig } from "../config/read.ts";
import { digestOf, parseApiKeys } from "./api-keys.ts";
import { anyone, createAuthenticator } from "./authenticate.ts";

const key = "0123456789abcdef0123";

describe("MESH_API_KEYS", () => {
  it("reads name:key:scope[+scope][:user=<id>] entries, keeping only each key's digest", () => {
    const config = readConfig(apiKeysConfig, {
      MESH_API_KEYS: `ops:${key}:read+write+admin, ada:${key}-ada:read+write:user=github:ada`,
    });
    expect(
      config.MESH_API_KEYS?.map(({ name, scopes, user }) => ({ name, scopes: [...scopes], user })),
    ).toEqual([
      { name: "ops", scopes: ["read", "write", "admin"], user: undefined },
      { name: "ada", scopes: ["read", "write"], user: "github:ada" },
    ]);
    expect(config.MESH_API_KEYS?.[0]?.digest.equals(digestOf(key))).toBe(true);
    expect(JSON.stringify(config.MESH_API_KEYS)).not.toContain(key);
  });

  it("names every wrong entry by its position and name, never by its key", () => {
    const parsed = parseApiKeys(`ops:${key}:read,,ops:${key}:root,x y:${key}-2:read:team=a`);
    expect(parsed).toEqual({
      problems: [
        "entry 2 is empty; separate entries with single commas (e.g. MESH_API_KEYS=ops:<key>:read+write+admin,ada:<key>:read+write:user=ada)",
        "entry 3 (ops): unknown scope 'root'; scopes are read, write, admin, approve, joined with '+'",
        "entry 4: the name must be 1–63 letters, digits, '.', '_' or '-' (e.g. MESH_API_KEYS=ops:<key>:read+write+admin,ada:<key>:read+write:user=ada)",
        "entry 4: after the scopes only user=<id> may follow (got ':team=a')",
        "the name 'ops' is used twice; give every key its own name",
        "'ops' has the same key as another entry; give every entry its own key",
      ],
    });
    expect(() => readConfig(apiKeysConfig, { MESH_API_KEYS: "ops:short:read" })).toThrow(
      /MESH_API_KEYS: entry 1 \(ops\): the key must be at least 16 .*its value is not shown, as it is a secret/,
    );
  });
});

describe("createAuthenticator", () => {
  const parsed = parseApiKeys(`ops:${key}:read`);
  const authenticate = createAuthenticator("keys" in parsed ? parsed.keys : []);
  const request = (authorization?: string) =>
    new Request("http://mesh.test/", authorization ? { headers: { authorization } } : {});

  it("lets everyone in with every scope when there are no keys", () => {
    expect(createAuthenticator(undefined)(request())).toEqual({ ok: true, caller: anyone });
  });

  it("finds the key of a Bearer header, and answers 401 saying why otherwise", async () => {
    expect(authenticate(request(`Bearer ${key}`))).toMatchObject({ ok: true, caller: { name: "ops" } });
    expect(authenticate(request(`bearer  ${key} `))).toMatchObject({ ok: true });
    for (const [header, reason] of [
      [undefined, "this mesh needs an API key"],
      [`Basic ${key}`, "must be 'Bearer <key>'"],
      [`Bearer ${key}x`, "not one of this mesh's keys"],
    ] as const) {
      const answer = authenticate(request(header));
      if (answer.ok) throw new Error(`${header} was let in`);
      expect(answer.response.status).toBe(401);
      expect(((await answer.response.json()) as { error: string }).error).toContain(reason);
    }
  });
});
