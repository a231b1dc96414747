import { readFileSync } from "node:fs";
import type { Application } from "../application.ts";

const folder = new URL("../__fixtures__/", import.meta.url);
const read = (file: string) => JSON.parse(readFileSync(new URL(file, folder), "utf8"));

/** An ArgoCD error answer: status and runtimeError body (src/__fixtures__/errors.json names its source). */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: { error: string; code: number; message: string; details: unknown[] };
}

export type ErrorName =
  | "operationInProgress"
  | "unauthenticated"
  | "permissionDenied"
  | "notFound"
  | "manifestGeneration"
  | "badLogin";

export function errorAnswer(name: ErrorName, values: Record<string, string> = {}): ErrorAnswer {
  const answer = read("errors.json").errors[name] as ErrorAnswer;
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? key);
  return {
    status: answer.status,
    body: { ...answer.body, error: fill(answer.body.error), message: fill(answer.body.message) },
  };
}

/** The application of src/__fixtures__/application-shop.json, renamed to `name` (and its namespace). */
export function sampleApplication(name = "shop"): Application {
  const app = structuredClone(read("application-shop.json").application) as Application;
  app.metadata.name = name;
  if (app.spec?.destination) app.spec.destination.namespace = name;
  return app;
}

/** ArgoCD's `versionVersionMessage` (swagger: VersionService_Version), as v2.14.9 answers it. */
export const versionMessage = {
  Version: "v2.14.9+38985bd",
  BuildDate: "2025-04-08T21:11:01Z",
  GitCommit: "38985bdcd6c3b031fb83757a1fb0c39a55bf6a24",
  GitTag: "v2.14.9",
  GitTreeState: "clean",
  GoVersion: "go1.23.5",
  Compiler: "gc",
  Platform: "linux/amd64",
  KustomizeVersion: "v5.4.3 2024-07-19T16:40:33Z",
  HelmVersion: "v3.16.3+gcfd0749",
  KubectlVersion: "v0.31.0",
};
