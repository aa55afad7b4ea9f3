# syntax=docker/dockerfile:1.7
# livecart realtime (WebSocket) image. Build from the repository root (the context is the whole workspace):
#   docker build -f infra/docker/realtime.Dockerfile -t livecart-realtime .

FROM node:26.12.1-trixie-slim AS base
# Versions pinned to the workspace's packageManager and turbo; infra/test/dockerfile-lint.test.ts checks they agree.
ARG PNPM_VERSION=10.34.9
ARG TURBO_VERSION=2.11.11
ENV TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1
RUN npm install --global --no-fund --no-audit pnpm@${PNPM_VERSION} turbo@${TURBO_VERSION}

# A partial monorepo with only what @livecart/realtime needs: manifests and lockfile in out/json, sources in out/full.
FROM base AS prune
WORKDIR /repo
COPY . .
RUN turbo prune @livecart/realtime --docker

FROM base AS build
WORKDIR /app
# Manifests first: the install layer below is reused until a dependency changes, whatever the source does.
COPY --from=prune /repo/out/json/ ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install --frozen-lockfile --prefer-offline --store-dir=/pnpm/store
COPY --from=prune /repo/out/full/ ./
RUN pnpm exec turbo run build --filter=@livecart/realtime
# A self-contained folder with production dependencies only. --legacy: the workspace does not inject its
# packages, which pnpm 10's default deploy requires.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm --filter=@livecart/realtime deploy --prod --legacy --store-dir=/pnpm/store pruned

FROM node:26.12.1-trixie-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4001
WORKDIR /app
# Owned by root and read-only to the app: a compromised process cannot rewrite its own code.
COPY --from=build /app/pruned/ ./
# The image's `node` user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 4001
# On SIGTERM the server stops accepting, closes sockets with 1001 "going away" and waits for clients to move.
STOPSIGNAL SIGTERM
# Readiness (Redis reachable), so compose's service_healthy means "can serve".
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/server.js"]
