import { serviceEnv } from "@mesh-six/testing/services";
import { describe, expect, it } from "vitest";
import { npmStartExpectingFailure, stackLine } from "../support/npm-start.ts";

describe("npm start against the PostgreSQL server with a bad configuration", () => {
  it("stops naming DATABASE_URL when the password is wrong, without showing it", async () => {
    const url = new URL(serviceEnv("MESH_TEST_POSTGRES_URL"));
    url.password = "not-the-password";
    const { code, output } = await npmStartExpectingFailure({ DATABASE_URL: url.href });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toMatch(
      /DATABASE_URL: the database at 127\.0\.0\.1:\d+\/postgres \(user "postgres"\) refused the user name or password/,
    );
    expect(output).toContain("Fix the credentials in DATABASE_URL.");
    expect(output).not.toContain("not-the-password");
    expect(output).not.toMatch(stackLine);
  });

  it("stops naming DATABASE_URL, pgvector and the ways out when the server has no vector extension", async () => {
    const { code, output } = await npmStartExpectingFailure({
      DATABASE_URL: serviceEnv("MESH_TEST_POSTGRES_URL"),
    });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toMatch(
      /migration \d+_memory failed: DATABASE_URL: the PostgreSQL server at 127\.0\.0\.1:\d+\/postgres has no pgvector extension/,
    );
    expect(output).toContain(
      "Install pgvector on the server (https://github.com/pgvector/pgvector#installation), or use Neon (DATABASE_DRIVER=neon) or PGlite (unset DATABASE_URL)",
    );
    expect(output).not.toMatch(stackLine);
  });
});
