import { rejectionOf } from "@mesh-six/testing";
import { describe, expect, it } from "vitest";
import { ClusterError } from "./errors.ts";
import { createKubernetesClusterState } from "./kubernetes.ts";
import { parseQuantity } from "./quantity.ts";
import { clusterExchanges, failureExchanges, kubernetesDouble } from "./testing.ts";

const failureOf = (call: Promise<unknown>) => rejectionOf(call, ClusterError);

describe("the architect's cluster state over the Kubernetes API", () => {
  it("summarizes nodes, pod phases, restarting pods and deployments, with the bearer token", async () => {
    const double = kubernetesDouble();
    const cluster = createKubernetesClusterState({
      baseUrl: "https://kubernetes.test/",
      token: "sa-token",
      fetch: double.fetch,
    });
    const overview = await cluster.overview();
    expect(overview.nodes.map((node) => [node.name, node.ready, node.roles])).toEqual([
      ["control-1", true, ["control-plane"]],
      ["worker-1", true, []],
      ["worker-2", false, []],
    ]);
    expect(overview.nodes[1]?.allocatable).toEqual({ cpuCores: 8, memoryBytes: 32 * 2 ** 30, pods: 110 });
    expect(overview.pods).toEqual({ Running: 3, Succeeded: 1, Pending: 1 });
    expect(overview.restarting).toEqual([
      { pod: "data/postgres-0", restarts: 4, reason: "CrashLoopBackOff" },
      { pod: "shop/shop-7d9f-fghij", restarts: 1 },
    ]);
    expect(overview.deployments).toEqual([
      { name: "data/postgres", desired: 1, ready: 0, available: 0 },
      { name: "shop/shop", desired: 2, ready: 2, available: 2 },
    ]);
    expect(double.requests.every((request) => request.authorization === "Bearer sa-token")).toBe(true);
  });

  it("reads one namespace when asked", async () => {
    const double = kubernetesDouble();
    const overview = await createKubernetesClusterState({
      baseUrl: "https://k.test",
      fetch: double.fetch,
    }).overview("shop");
    expect(overview.deployments.map((each) => each.name)).toEqual(["shop/shop"]);
    expect(double.requests.map((request) => request.path)).toContain("/api/v1/namespaces/shop/pods");
  });

  it("gives resource usage from metrics.k8s.io as cores, bytes and percent of allocatable", async () => {
    const usage = await createKubernetesClusterState({
      baseUrl: "https://k.test",
      fetch: kubernetesDouble().fetch,
    }).usage();
    expect(usage.nodes).toEqual([
      {
        name: "control-1",
        cpuCores: 0.35,
        memoryBytes: 2048 * 2 ** 20,
        cpuPercent: 8.8,
        memoryPercent: 26.1,
      },
      { name: "worker-1", cpuCores: 6, memoryBytes: 24 * 2 ** 30, cpuPercent: 75, memoryPercent: 75 },
    ]);
    expect(usage.topPods[0]).toEqual({ pod: "data/postgres-0", cpuCores: 1.5, memoryBytes: 900 * 2 ** 20 });
  });

  it("a 403 is a permission failure naming the missing RBAC rule", async () => {
    const double = kubernetesDouble([...clusterExchanges(), ...failureExchanges()]);
    const failure = await failureOf(
      createKubernetesClusterState({ baseUrl: "https://k.test", fetch: double.fetch }).overview(),
    );
    expect(failure).toMatchObject({ kind: "permission", type: "permission", retryable: false, status: 403 });
    expect(failure.message).toContain('{apiGroups: [""], resources: ["nodes"], verbs: ["list"]}');
    expect(failure.message).toContain("cannot list resource");
  });

  it("metrics.k8s.io not served says to install metrics-server; a refused connection is retryable", async () => {
    const double = kubernetesDouble([...clusterExchanges(), ...failureExchanges().slice(1)]);
    const missing = await failureOf(
      createKubernetesClusterState({ baseUrl: "https://k.test", fetch: double.fetch }).usage(),
    );
    expect(missing).toMatchObject({ kind: "not_found", retryable: false });
    expect(missing.message).toMatch(/install metrics-server/);
    const refuse = async () => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) });
    };
    expect(
      await failureOf(createKubernetesClusterState({ baseUrl: "https://k.test", fetch: refuse }).overview()),
    ).toMatchObject({
      kind: "unavailable",
      retryable: true,
    });
  });

  it("refuses a URL that is not http(s), naming KUBERNETES_API_URL", () => {
    expect(() => createKubernetesClusterState({ baseUrl: "kubernetes.default.svc" })).toThrow(
      /KUBERNETES_API_URL/,
    );
  });

  it("parses Kubernetes quantities", () => {
    expect([
      parseQuantity("250m"),
      parseQuantity("1500000000n"),
      parseQuantity("16Gi"),
      parseQuantity("1e3"),
    ]).toEqual([0.25, 1.5, 16 * 2 ** 30, 1000]);
    expect(parseQuantity("lots")).toBeNaN();
  });
});
