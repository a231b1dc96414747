import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A kubeconfig file for the double's API server (plain HTTP, so TLS checks are off and
 * the token is sent as is), written to a new temporary folder: what KUBECONFIG holds.
 */
export function writeKubeconfig(server: string, token = "kubectl-deployer-token"): string {
  const file = join(mkdtempSync(join(tmpdir(), "mesh-six-kubeconfig-")), "config");
  writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: double",
      "  cluster:",
      `    server: ${server}`,
      "    insecure-skip-tls-verify: true",
      "users:",
      "- name: kubectl-deployer",
      "  user:",
      `    token: ${token}`,
      "contexts:",
      "- name: double",
      "  context:",
      "    cluster: double",
      "    user: kubectl-deployer",
      "current-context: double",
      "",
    ].join("\n"),
  );
  return file;
}
