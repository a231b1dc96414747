import { z } from "zod";

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const namespace = z.string().regex(dnsLabel, "is not a namespace name").describe("the namespace");
export const deployment = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, "is not a Deployment name")
  .describe("the Deployment's name");
export const pod = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, "is not a pod name")
  .describe("the pod's name");
