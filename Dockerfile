# syntax=docker/dockerfile:1
# agent-log-exporter: a small, non-root image that runs the daemon with node directly.
# test/ops/production-install.test.ts reproduces the runtime stage (pack, production-only
# install without scripts, validate and run as a non-root user) on every `npm test`.

# --- build: every dependency (TypeScript), compile, and pack exactly what npm would publish ---
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would compile before the sources are here; the `node` devDependency's
# installer is not needed on a Node 24 image.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY README.md ./
COPY scripts/build.ts ./scripts/
COPY src ./src
COPY config ./config
# One minified bundle (rolldown, scripts/build.ts): a few modules instead of hundreds (issue 14).
RUN node scripts/build.ts \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && mkdir /app \
 && tar -xzf /tmp/agent-log-exporter-*.tgz -C /app --strip-components=1 \
 && cp package-lock.json /app/

# --- runtime: production dependencies only ---
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    AGENT_LOG_EXPORTER_CONFIG=/etc/agent-log-exporter/config.yaml
WORKDIR /app
COPY --from=build /app ./
# --omit=dev: no TypeScript, test or emulator-check packages; --ignore-scripts: `prepare` runs the bundler,
# a devDependency, and nothing in the production tree needs an install script.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && mkdir -p /var/lib/agent-log-exporter /etc/agent-log-exporter \
 && chown 1000:1000 /var/lib/agent-log-exporter \
 && ln -s /var/lib/agent-log-exporter /app/data
# The official image's `node` user, numeric so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# state.db (checkpoints + spool): mount a volume here so a restarted container resumes. The
# default storage.dir (./data from WORKDIR /app) is linked here too: a config that leaves it out
# must not write into the read-only /app (EACCES) or outside the volume.
VOLUME ["/var/lib/agent-log-exporter"]
# /healthz /readyz /metrics when the config says server: {listen: "0.0.0.0:13134"}.
EXPOSE 13134
# No curl in the image: Node's fetch. Override the URL if server.listen uses another port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.AGENT_LOG_EXPORTER_HEALTHCHECK_URL||'http://127.0.0.1:13134/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node as PID 1, not npm: npm does not forward SIGTERM, which would skip the graceful shutdown.
# --max-semi-space-size=8: V8's young generation grew to 64 MiB with 1000 streams; capped, the
# daemon peaked at 233 MB instead of 340 MB at the same speed (docs/BENCHMARKS.md; `npm start`
# passes it too). V8 takes it only on the command line.
ENTRYPOINT ["node", "--max-semi-space-size=8", "/app/dist/main.js"]
CMD ["run"]
