# syntax=docker/dockerfile:1
# mlwatch container image: `docker build -t mlwatch .` (docker-compose.yml builds it too).
# Node 24 LTS (DESIGN.md: the image uses the current LTS; the code also runs on Node 20).
ARG NODE_IMAGE=node:24.11.0-bookworm-slim

# ---- build: compile TypeScript, keep production dependencies only, build the example's reference
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs an install script to run mlwatch; skipping them avoids compiling
# testcontainers' optional native helpers (ssh2, cpu-features) for nothing.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY types ./types
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund
COPY examples ./examples
# The credit example's reference sketch is built here, from its committed training data,
# so every container starts with the same reference.json (the demo would otherwise write it
# on first run, which a read-only, non-root container cannot do).
RUN node dist/cli/main.js reference build --config examples/credit/mlwatch.yaml --model credit \
      --data examples/credit/train.csv --out examples/credit/reference.json

# ---- runtime: dist/, production node_modules and the examples; runs as the image's `node` user
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# package.json says "type": "module", which dist/'s ES modules need.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/examples ./examples
USER node
# 9801: ingest (events from the model server); 9802: metrics (/metrics, /healthz, /readyz).
EXPOSE 9801 9802
# Slim images have no curl or wget: node itself asks the metrics listener whether it is ready.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9802/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
# Listen on every interface inside the container: the example config binds loopback only.
CMD ["serve", "--config", "/app/examples/credit/mlwatch.yaml", "--ingest-listen", "0.0.0.0:9801", "--metrics-listen", "0.0.0.0:9802"]
