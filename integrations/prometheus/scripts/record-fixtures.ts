import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fixtureRequests } from "../src/testing/requests.ts";

/**
 * Records the fixture requests against a running Prometheus into src/__fixtures__:
 *   node integrations/prometheus/scripts/record-fixtures.ts http://127.0.0.1:9090
 * (a server started as test/services/prometheus.ts does, scraping itself). Each fixture
 * names the server's version and this script as its source.
 */
const baseUrl = process.argv[2]?.replace(/\/+$/, "");
if (!baseUrl) {
  console.error("usage: record-fixtures.ts <base URL of a running Prometheus>");
  process.exit(2);
}
const version = execFileSync("prometheus", ["--version"], { encoding: "utf8" }).split("\n")[0];
const now = Date.now() / 1000;
for (const request of fixtureRequests) {
  const form: Record<string, string> = { ...request.form };
  if (request.window !== undefined) {
    form.start = String(now - request.window);
    form.end = String(now);
  }
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  const fixture = {
    name: request.name,
    source: `recorded from ${version} (Debian 12 package prometheus, scraping itself every second) by integrations/prometheus/scripts/record-fixtures.ts`,
    request: { path: request.path, form },
    response: {
      status: response.status,
      contentType: response.headers.get("content-type") ?? "",
      body: await response.text(),
    },
  };
  const file = new URL(`../src/__fixtures__/${request.name}.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`${request.name}: ${response.status}`);
}
