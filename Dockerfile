# syntax=docker/dockerfile:1
# PZO game server image. Multi-stage: build with dev dependencies, then ship the compiled
# server with production dependencies only, as a non-root user.
#
# The base is Debian trixie (glibc 2.41): uWebSockets.js builds for Node 22+ need glibc >= 2.38,
# so the uWS transport loads here (on older glibc the server falls back to ws and says so).

ARG NODE_IMAGE=node:24-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# Drop dev dependencies: what is left in node_modules is what the runtime image ships.
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=2567 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/scripts ./scripts
COPY --from=build --chown=node:node /app/drizzle ./drizzle
COPY --from=build --chown=node:node /app/client ./client
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 2567
# Liveness only: the process answers. Readiness (database, Redis) is /readyz, used by fly.toml.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 2567) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same command as `npm start` (run directly so SIGTERM reaches the server for a graceful stop).
CMD ["node", "scripts/start.mjs"]
