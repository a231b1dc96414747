# syntax=docker/dockerfile:1
# One image per function, each holding nothing but the function's bundle:
#   docker build --build-arg FUNCTION=gateway -t dev.local/mesh-six/gateway:dev .
# FUNCTION is a function of the fleet (fleet/src/index.ts) or `migrate` (the migration Job).
# The image names match knative/generated; see docs/deploy.md.

FROM node:24-slim AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund
ARG FUNCTION
RUN test -n "$FUNCTION" || { echo "pass --build-arg FUNCTION=<function name or migrate>" >&2; exit 1; }
RUN node knative/src/build.ts "$FUNCTION"

FROM node:24-alpine
ARG FUNCTION
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/knative/dist/${FUNCTION}/index.mjs ./index.mjs
USER node
EXPOSE 8080
CMD ["node", "/app/index.mjs"]
