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
# NODE_COMPILE_CACHE: V8's compiled code of the bundle, written once below by this image's
# own node, so a cold start loads it instead of compiling a megabyte of JavaScript again
ENV NODE_ENV=production NODE_COMPILE_CACHE=/app/.compile-cache
WORKDIR /app
COPY --from=build /src/knative/dist/${FUNCTION}/index.mjs ./index.mjs
RUN ["node", "/app/index.mjs", "--fill-compile-cache"]
USER node
EXPOSE 8080
CMD ["node", "/app/index.mjs"]
