/** The gateway's function name (its Knative Service; its outbox rows carry it). */
export const gatewayName = "gateway";
