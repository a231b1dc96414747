import { describe } from "vitest";
import { deliveryContract } from "./contract/delivery.ts";
import { fidelityContract } from "./contract/fidelity.ts";
import { filtersContract } from "./contract/filters.ts";
import { flowsContract } from "./contract/flows.ts";
import type { CreateBrokerHarness } from "./contract/harness.ts";
import { ingressContract } from "./contract/ingress.ts";

export type { BrokerHarness, BrokerHarnessSetup, CreateBrokerHarness } from "./contract/harness.ts";

/**
 * The delivery semantics every broker host must have (ARCHITECTURE.md, "Delivery
 * semantics"), driven only through the ingress, the test subscribers, the clock and the
 * dead-letter store. Registers vitest `describe` blocks; each case starts its own harness.
 */
export function brokerContract(label: string, createHarness: CreateBrokerHarness): void {
  describe(`broker contract: ${label}`, () => {
    ingressContract(createHarness);
    fidelityContract(createHarness);
    filtersContract(createHarness);
    deliveryContract(createHarness);
    flowsContract(createHarness);
  });
}
