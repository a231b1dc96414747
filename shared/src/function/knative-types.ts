/** The Knative Eventing shapes mesh-six uses, as they appear in the deployed YAML. */

/** A SubscriptionsAPI filter: exactly one dialect per item. */
export type SubscriptionsApiFilter =
  | { readonly exact: Readonly<Record<string, string>> }
  | { readonly prefix: Readonly<Record<string, string>> }
  | { readonly suffix: Readonly<Record<string, string>> }
  | { readonly all: readonly SubscriptionsApiFilter[] }
  | { readonly any: readonly SubscriptionsApiFilter[] }
  | { readonly not: SubscriptionsApiFilter };

export interface DeliverySpec {
  /** Number of retries after the first attempt. */
  readonly retry?: number;
  readonly backoffPolicy?: "exponential" | "linear";
  /** ISO-8601 duration, e.g. PT1S. */
  readonly backoffDelay?: string;
  /** ISO-8601 duration for one delivery attempt. */
  readonly timeout?: string;
  readonly deadLetterSink?: Destination;
}

export interface Destination {
  readonly ref?: {
    readonly apiVersion: string;
    readonly kind: string;
    readonly name: string;
    readonly namespace?: string;
  };
  readonly uri?: string;
}

export interface Trigger {
  readonly apiVersion: "eventing.knative.dev/v1";
  readonly kind: "Trigger";
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec: {
    readonly broker: string;
    readonly filter?: { readonly attributes: Readonly<Record<string, string>> };
    readonly filters?: readonly SubscriptionsApiFilter[];
    readonly subscriber: Destination;
    readonly delivery?: DeliverySpec;
  };
}

export const deliveryOrderAnnotation = "kafka.eventing.knative.dev/delivery.order";
