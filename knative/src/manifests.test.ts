import {
  ApprovalDecided,
  defineEvent,
  outsideEventTypes,
  PingFired,
  TaskDispatched,
  TaskFinished,
  TaskRequested,
} from "@mesh-six/events";
import { fleet } from "@mesh-six/fleet";
import { defineFunction, type FunctionDefinition } from "@mesh-six/shared/function/define";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readCommitted } from "./manifests/files.ts";
import { generateManifests, type ManifestSet } from "./manifests/generate.ts";
import { renderManifests } from "./manifests/render.ts";
import { serviceAccountCa } from "./manifests/service.ts";
import type { Resource } from "./manifests/settings.ts";
import { validateManifests } from "./validate/index.ts";

type Mutable = Record<string, unknown>;

/** The generated set with one resource changed by `change`. */
function changed(
  files: ManifestSet,
  pick: (resource: Resource) => boolean,
  change: (resource: Mutable) => void,
): ManifestSet {
  let done = false;
  const copy = new Map<string, Resource[]>();
  for (const [file, resources] of files) {
    copy.set(
      file,
      resources.map((resource) => {
        if (done || !pick(resource)) return resource;
        done = true;
        const clone = structuredClone(resource) as unknown as Mutable;
        change(clone);
        return clone as unknown as Resource;
      }),
    );
  }
  if (!done) throw new Error("no resource matched");
  return copy;
}

const kind = (name: string) => (resource: Resource) => resource.kind === name;
const spec = (resource: Mutable) => resource.spec as Mutable;

/** A small fleet exercising every resource kind: a subscriber with a schedule and RBAC, and the dead-letter sink. */
const worker = defineFunction({
  name: "worker",
  description: "test worker",
  subscriptions: [{ name: "requests", attributes: { type: TaskRequested.type } }],
  schedules: [{ name: "nightly", schedule: "0 3 * * *", timezone: "Europe/Berlin", data: { sweep: true } }],
  kubernetesAccess: { rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }] },
  secrets: [{ env: "GITHUB_TOKEN", secret: "mesh-six-github", key: "token" }],
  emits: [TaskFinished],
  handler: () => [],
});
const sink = defineFunction({ name: "dead-letter", description: "sink", handler: () => [] });
const testFleet: readonly FunctionDefinition[] = [worker, sink];
const testFiles = generateManifests(testFleet);

describe("the committed manifests", () => {
  it("equal what `npm run manifests` generates from the fleet (run it and commit when this fails)", () => {
    const rendered = renderManifests(generateManifests(fleet));
    const committed = readCommitted();
    expect([...committed.keys()].sort()).toEqual([...rendered.keys()].sort());
    for (const [path, text] of rendered) expect(committed.get(path), path).toBe(text);
  });

  it("pass every check", () => {
    expect(validateManifests(generateManifests(fleet), fleet)).toEqual([]);
  });

  it("carry the cost tracker's PingSources, and Triggers that take each ping by its source", () => {
    const resources = generateManifests(fleet).get("generated/functions/cost-tracker.yaml") ?? [];
    const pings = resources.filter((resource) => resource.kind === "PingSource");
    expect(
      pings.map((resource) => [resource.metadata.name, (resource.spec as { schedule: string }).schedule]),
    ).toEqual([
      ["cost-tracker-report", "0 6 * * *"],
      ["cost-tracker-alerts", "5 * * * *"],
    ]);
    const triggers = resources
      .filter((resource) => resource.kind === "Trigger")
      .map((resource) => resource.spec);
    expect(triggers).toContainEqual(
      expect.objectContaining({
        filters: [
          { exact: { type: PingFired.type } },
          { suffix: { source: "/pingsources/cost-tracker-report" } },
        ],
      }),
    );
  });
});

describe("manifest validation", () => {
  const problemsOf = (files: ManifestSet, definitions = testFleet) =>
    validateManifests(files, definitions).join("\n");

  it("accepts a fleet using every kind: Service, Trigger, PingSource, SinkBinding, RBAC, Job, Broker", () => {
    const kinds = new Set([...testFiles.values()].flat().map((resource) => resource.kind));
    expect([...kinds].sort()).toEqual(
      [
        "Broker",
        "ConfigMap",
        "EventPolicy",
        "Job",
        "Namespace",
        "PingSource",
        "Role",
        "RoleBinding",
        "Service",
        "ServiceAccount",
        "SinkBinding",
        "Trigger",
      ].sort(),
    );
    expect(validateManifests(testFiles, testFleet)).toEqual([]);
  });

  it("runs the JSON schema of each kind", () => {
    const files = changed(testFiles, kind("Service"), (service) => {
      const template = spec(service).template as { spec: Mutable };
      template.spec.containerConcurrency = "ten";
    });
    expect(problemsOf(files)).toMatch(/Service [a-z-]+: schema: .*containerConcurrency must be integer/);
  });

  it("rejects durations that are not ISO-8601 and unknown backoff policies", () => {
    const files = changed(testFiles, kind("Trigger"), (trigger) => {
      spec(trigger).delivery = { backoffDelay: "1s", backoffPolicy: "random", timeout: "PT" };
    });
    const problems = problemsOf(files);
    expect(problems).toMatch(/backoffDelay: "1s" is not an ISO-8601 duration/);
    expect(problems).toMatch(/backoffPolicy: "random" must be "exponential" or "linear"/);
    expect(problems).toMatch(/timeout: "PT" is not an ISO-8601 duration/);
    expect(problems).toMatch(/deadLetterSink: missing/);
  });

  it("rejects two filter dialects in one item and invalid attribute names", () => {
    const files = changed(testFiles, kind("Trigger"), (trigger) => {
      spec(trigger).filters = [
        { exact: { type: "a" }, prefix: { type: "b" } },
        { exact: { "Mesh-Agent": "x" } },
      ];
    });
    const problems = problemsOf(files);
    expect(problems).toMatch(/has exact and prefix; a filter item has exactly one dialect/);
    expect(problems).toMatch(/Mesh-Agent: invalid attribute name/);
  });

  it("rejects bad cron syntax, unknown timezones, L/W/# and data with dataBase64", () => {
    const bad = (change: (source: Mutable) => void) =>
      problemsOf(changed(testFiles, kind("PingSource"), change));
    expect(bad((source) => Object.assign(spec(source), { schedule: "0 3 * *" }))).toMatch(
      /must be five cron fields/,
    );
    expect(bad((source) => Object.assign(spec(source), { schedule: "61 3 * * *" }))).toMatch(
      /is not a valid cron expression/,
    );
    expect(bad((source) => Object.assign(spec(source), { schedule: "0 3 L * *" }))).toMatch(/uses L, W or #/);
    expect(bad((source) => Object.assign(spec(source), { timezone: "Mars/Olympus" }))).toMatch(
      /unknown timezone/,
    );
    expect(bad((source) => Object.assign(spec(source), { dataBase64: "e30=" }))).toMatch(
      /data and dataBase64 are both set/,
    );
    expect(
      bad((source) => Object.assign(spec(source), { data: undefined, dataBase64: "not base64!" })),
    ).toMatch(/dataBase64: is not base64/);
    expect(bad((source) => Object.assign(spec(source), { data: "{not json" }))).toMatch(/is not JSON/);
  });

  it("checks the schedules of the definitions too", () => {
    const broken = { ...worker, schedules: [{ name: "Nightly", schedule: "0 3 * * *" }] };
    expect(problemsOf(generateManifests([broken, sink]), [broken, sink])).toMatch(
      /schedule "Nightly": the name must be lowercase/,
    );
  });

  it("rejects Triggers whose subscriber or dead-letter sink is not a deployed Service", () => {
    const files = changed(testFiles, kind("Trigger"), (trigger) => {
      spec(trigger).subscriber = {
        ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "nobody" },
      };
      (spec(trigger).delivery as Mutable).deadLetterSink = {
        ref: { apiVersion: "serving.knative.dev/v1", kind: "Service", name: "lost" },
      };
    });
    const problems = problemsOf(files);
    expect(problems).toMatch(/spec.subscriber: Service mesh-six\/nobody is not part of the deployment/);
    expect(problems).toMatch(
      /spec.delivery.deadLetterSink: Service mesh-six\/lost is not part of the deployment/,
    );
  });

  it("requires the dead-letter function and a SinkBinding for every Service", () => {
    const alone = generateManifests([worker]);
    expect(problemsOf(alone, [worker])).toMatch(/the dead-letter function "dead-letter" is not deployed/);
    const unbound = changed(testFiles, kind("SinkBinding"), (binding) => {
      (spec(binding).subject as Mutable).name = "someone-else";
    });
    expect(problemsOf(unbound)).toMatch(/no SinkBinding gives this Service K_SINK/);
  });

  it("rejects a Broker of another class and reserved or literal secret environment variables", () => {
    const broker = changed(testFiles, kind("Broker"), (resource) => {
      resource.metadata = { ...(resource.metadata as object), annotations: {} };
    });
    expect(problemsOf(broker)).toMatch(/broker.class\]: "undefined" must be "Kafka"/);
    const service = changed(testFiles, kind("Service"), (resource) => {
      const template = spec(resource).template as { spec: { containers: Mutable[] } };
      const container = template.spec.containers[0]!;
      container.env = [
        { name: "PORT", value: "9090" },
        { name: "LLM_API_KEY", value: "sk-live" },
      ];
    });
    const problems = problemsOf(service);
    expect(problems).toMatch(/env\[PORT\]: reserved/);
    expect(problems).toMatch(/env\[LLM_API_KEY\]: holds a literal value/);
  });

  it("rejects scale, concurrency and timeout Knative would refuse", () => {
    const files = changed(testFiles, kind("Service"), (resource) => {
      const template = spec(resource).template as { metadata: { annotations: Mutable }; spec: Mutable };
      template.metadata.annotations["autoscaling.knative.dev/min-scale"] = "4";
      template.metadata.annotations["autoscaling.knative.dev/max-scale"] = "2";
      template.spec.containerConcurrency = 5000;
      template.spec.timeoutSeconds = 900;
    });
    const problems = problemsOf(files);
    expect(problems).toMatch(/min-scale 4 is above max-scale 2/);
    expect(problems).toMatch(/containerConcurrency: 5000/);
    expect(problems).toMatch(/timeoutSeconds: 900 must be 1–600/);
  });

  it("requires every emitted event type to be in the catalog and consumed by a Trigger or terminal", () => {
    const Unlisted = defineEvent("dev.meshsix.test.unlisted", {
      description: "not in the catalog",
      schema: z.object({}),
    });
    // task.requested: the worker's Trigger consumes it; task.finished: terminal; task.dispatched: neither
    const chatty = { ...worker, emits: [TaskRequested, TaskFinished, TaskDispatched, Unlisted] };
    const problems = validateManifests(generateManifests([chatty, sink]), [chatty, sink]);
    expect(problems).toEqual([
      `function worker emits ${TaskDispatched.type}, but no Trigger consumes it; subscribe a function to it or mark it terminal in its defineEvent`,
      "function worker emits dev.meshsix.test.unlisted, which is not in the event catalog (events/src/catalog.ts); add it there",
    ]);
  });

  it("sees through filter trees when deciding whether a Trigger consumes a type", () => {
    const picky = {
      ...worker,
      subscriptions: [
        {
          name: "dispatches",
          filters: [
            { any: [{ prefix: { type: "dev.meshsix.task.dis" } }, { exact: { type: "other" } }] },
            { not: { exact: { type: TaskRequested.type } } },
            { exact: { meshagent: "worker" } },
          ],
        },
      ],
      emits: [TaskDispatched, TaskRequested],
    };
    const problems = validateManifests(generateManifests([picky, sink]), [picky, sink]);
    expect(problems).toEqual([
      `function worker emits ${TaskRequested.type}, but no Trigger consumes it; subscribe a function to it or mark it terminal in its defineEvent`,
    ]);
  });

  it("puts no Secret in the manifests and references the secrets by key", () => {
    const all = [...testFiles.values()].flat();
    expect(all.some((resource) => resource.kind === "Secret")).toBe(false);
    const text = [...renderManifests(testFiles).values()].join("\n");
    expect(text).toContain("name: mesh-six-github");
    // the one literal: where Kubernetes mounts the cluster's CA, for NODE_EXTRA_CA_CERTS
    expect(text.match(/\bvalue: .*/g)).toEqual([`value: ${serviceAccountCa}`]);
  });

  it("gives the functions that talk to the Kubernetes API the cluster's CA (NODE_EXTRA_CA_CERTS), and no other", () => {
    const services = [...testFiles.values()].flat().filter(kind("Service"));
    const caOf = (name: string) => {
      const service = services.find((resource) => resource.metadata.name === name)!;
      const template = spec(service as Mutable).template as { spec: { containers: { env: Mutable[] }[] } };
      return template.spec.containers[0]!.env.find((each) => each.name === "NODE_EXTRA_CA_CERTS");
    };
    expect(caOf("worker")).toEqual({ name: "NODE_EXTRA_CA_CERTS", value: serviceAccountCa });
    expect(caOf("dead-letter")).toBeUndefined();
  });

  it("generates the Broker's EventPolicies: functions send anything, schedules pings, outsiders only fromOutside types", () => {
    const policies = testFiles.get("generated/event-policies.yaml")!;
    const byName = new Map(policies.map((policy) => [policy.metadata.name, policy.spec as Mutable]));
    const broker = [{ ref: { apiVersion: "eventing.knative.dev/v1", kind: "Broker", name: "default" } }];
    const binding = (name: string) => ({
      ref: { apiVersion: "sources.knative.dev/v1", kind: "SinkBinding", name, namespace: "mesh-six" },
    });
    expect(byName.get("mesh-six-functions")).toEqual({
      to: broker,
      from: [binding("dead-letter-sink"), binding("worker-sink")],
    });
    expect(byName.get("mesh-six-schedules")).toEqual({
      to: broker,
      from: [
        {
          ref: {
            apiVersion: "sources.knative.dev/v1",
            kind: "PingSource",
            name: "worker-nightly",
            namespace: "mesh-six",
          },
        },
      ],
      filters: [{ exact: { type: PingFired.type } }],
    });
    expect(outsideEventTypes()).toEqual([TaskRequested.type, ApprovalDecided.type]);
    expect(byName.get("mesh-six-outside")).toEqual({
      to: broker,
      from: [{ sub: "*" }],
      filters: [
        { any: [{ exact: { type: TaskRequested.type } }, { exact: { type: ApprovalDecided.type } }] },
      ],
    });
  });

  it("validates EventPolicies as the CRD schema and the Knative webhook would", () => {
    const policy = (name: string) => (resource: Resource) =>
      resource.kind === "EventPolicy" && resource.metadata.name === name;
    const bad = (name: string, change: (spec: Mutable) => void) =>
      problemsOf(changed(testFiles, policy(name), (resource) => change(spec(resource))));
    expect(bad("mesh-six-outside", (policySpec) => Object.assign(policySpec, { filter: [] }))).toMatch(
      /EventPolicy mesh-six-outside: schema: spec: Unrecognized key: "filter"/,
    );
    expect(
      bad("mesh-six-outside", (policySpec) => Object.assign(policySpec, { from: [{ sub: "system:*:x" }] })),
    ).toMatch(/spec\.from\[0\]\.sub: "system:\*:x": '\*' is only allowed as suffix/);
    expect(
      bad("mesh-six-outside", (policySpec) =>
        Object.assign(policySpec, {
          from: [{ sub: "x", ref: { apiVersion: "v1", kind: "ServiceAccount", name: "x" } }],
        }),
      ),
    ).toMatch(/spec\.from\[0\]: give a ref or a sub, not both/);
    expect(bad("mesh-six-outside", (policySpec) => Object.assign(policySpec, { from: [] }))).toMatch(
      /spec\.from: empty; the policy would let no sender in/,
    );
    expect(
      bad("mesh-six-outside", (policySpec) => Object.assign(policySpec, { filters: [{ exact: {} }] })),
    ).toMatch(/spec\.filters\[0\]\.exact: names no attribute/);
    expect(
      bad("mesh-six-functions", (policySpec) =>
        Object.assign(policySpec, {
          from: [{ ref: { apiVersion: "sources.knative.dev/v1", kind: "SinkBinding", name: "gone-sink" } }],
        }),
      ),
    ).toMatch(
      /EventPolicy mesh-six-functions: spec\.from\[0\]: SinkBinding mesh-six\/gone-sink is not part of the deployment/,
    );
    expect(bad("mesh-six-functions", (policySpec) => Object.assign(policySpec, { to: [] }))).toMatch(
      /spec\.to: empty; the policy would apply to every resource in the namespace/,
    );
  });
});

describe("the variables of the dependency checks", () => {
  const router = defineFunction({
    name: "router",
    description: "runs the checks, as the orchestrator does",
    runsDependencyChecks: true,
    handler: () => [],
  });
  const deployer = (secrets: FunctionDefinition["secrets"]) =>
    defineFunction({
      name: "argocd-deployer",
      description: "deploys through ArgoCD",
      capabilities: [{ name: "deploy-service", weight: 0.9, dependencies: ["argocd"] }],
      dependencyChecks: [{ name: "argocd", url: "{ARGOCD_SERVER_URL}/api/version" }],
      ...(secrets ? { secrets } : {}),
      handler: () => [],
    });
  const argocdSecret = { env: "ARGOCD_SERVER_URL", secret: "mesh-six-argocd", key: "url" };
  const envOf = (files: ManifestSet, name: string) => {
    const service = files.get(`generated/functions/${name}.yaml`)!.find(kind("Service"))!;
    const template = spec(service as unknown as Mutable).template as {
      spec: { containers: { env: Mutable[] }[] };
    };
    return template.spec.containers[0]!.env;
  };

  it("are given, from the agent's Secret, to the functions that run the checks and to no other", () => {
    const definitions = [router, deployer([argocdSecret]), worker, sink];
    const files = generateManifests(definitions);
    const wanted = {
      name: "ARGOCD_SERVER_URL",
      valueFrom: { secretKeyRef: { name: "mesh-six-argocd", key: "url", optional: true } },
    };
    expect(envOf(files, "router")).toContainEqual(wanted);
    expect(envOf(files, "worker").map((entry) => entry.name)).not.toContain("ARGOCD_SERVER_URL");
    // the agent keeps its own declaration (required: it cannot work without ArgoCD)
    expect(envOf(files, "argocd-deployer")).toContainEqual({
      name: "ARGOCD_SERVER_URL",
      valueFrom: { secretKeyRef: { name: "mesh-six-argocd", key: "url" } },
    });
    expect(validateManifests(files, definitions)).toEqual([]);
  });

  it("the fleet's orchestrator and gateway are the functions that run them", () => {
    expect(
      fleet
        .filter((definition) => definition.runsDependencyChecks)
        .map((definition) => definition.name)
        .sort(),
    ).toEqual(["gateway", "orchestrator"]);
  });

  it("refuse a check whose variable its agent takes from no Secret, or two agents from different ones", () => {
    expect(() => generateManifests([router, deployer(undefined), sink])).toThrow(
      /argocd-deployer: dependency check argocd reads ARGOCD_SERVER_URL, which is none of its secrets; add \{ env: "ARGOCD_SERVER_URL"/,
    );
    const other = defineFunction({
      ...deployer([{ ...argocdSecret, key: "address" }]),
      name: "argocd-auditor",
    });
    expect(() => generateManifests([router, deployer([argocdSecret]), other, sink])).toThrow(
      /ARGOCD_SERVER_URL comes from secret mesh-six-argocd\/url for argocd-deployer but mesh-six-argocd\/address for argocd-auditor/,
    );
  });
});
