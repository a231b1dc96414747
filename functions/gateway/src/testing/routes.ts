import { type DeclaredRoute, declaredRoutes } from "../access.ts";
import { createGatewayApp } from "../app.ts";
import type { GatewayContext } from "../config.ts";

/** Every route the gateway serves, with the scope it declares (for tests that walk them all). */
export function declaredGatewayRoutes(ctx: GatewayContext): DeclaredRoute[] {
  return declaredRoutes(createGatewayApp(ctx));
}
