import { cardFor } from "../a2a/endpoint.ts";
import { open } from "../access.ts";
import { routeModule } from "../route-module.ts";

/**
 * `GET /.well-known/agent-card.json`: the fleet's A2A agent card, answered without an API key
 * (it says where the A2A endpoints are and how to authenticate to them).
 */
export const wellKnownRoutes = routeModule("/.well-known", (app, ctx) => {
  app.get("/agent-card.json", open(), async (context) => {
    const found = await cardFor(ctx, context);
    return context.json(found?.card);
  });
});
