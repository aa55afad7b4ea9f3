# syntax=docker/dockerfile:1.7
# livecart storefront (Next.js) image. Build from the repository root (the context is the whole workspace):
#   docker build -f infra/docker/web.Dockerfile -t livecart-web .
# Every setting (API_URL, NEXT_PUBLIC_REALTIME_URL) is read at run time: one image, any environment; it holds no credential.

FROM node:26.12.1-trixie-slim AS base
# Versions pinned to the workspace's packageManager and turbo; infra/test/dockerfile-lint.test.ts checks they agree.
ARG PNPM_VERSION=10.34.9
ARG TURBO_VERSION=2.11.11
ENV TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1
RUN npm install --global --no-fund --no-audit pnpm@${PNPM_VERSION} turbo@${TURBO_VERSION}

# A partial monorepo with only what @livecart/web needs: manifests and lockfile in out/json, sources in out/full.
FROM base AS prune
WORKDIR /repo
COPY . .
RUN turbo prune @livecart/web --docker

FROM base AS build
WORKDIR /app
# Manifests first: the install layer below is reused until a dependency changes, whatever the source does.
COPY --from=prune /repo/out/json/ ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install --frozen-lockfile --prefer-offline --store-dir=/pnpm/store
COPY --from=prune /repo/out/full/ ./
# output: 'standalone' traces the server's files (workspace packages included) into .next/standalone.
RUN pnpm exec turbo run build --filter=@livecart/web

FROM node:26.12.1-trixie-slim AS runtime
# Next's standalone server binds to HOSTNAME:PORT (Docker sets HOSTNAME to the container id otherwise).
ENV NODE_ENV=production HOST=0.0.0.0 HOSTNAME=0.0.0.0 PORT=3000
WORKDIR /app
# Standalone output holds no static assets: they are copied next to it. Owned by the app user because
# Next writes its incremental cache under .next at run time.
COPY --from=build --chown=1000:1000 /app/apps/web/.next/standalone/ ./
COPY --from=build --chown=1000:1000 /app/apps/web/.next/static/ ./apps/web/.next/static/
# The image's `node` user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000
# The standalone server finishes in-flight requests on SIGTERM.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/web/server.js"]
