# lienthong: the service, run from its TypeScript sources through tsx (a runtime dependency);
# nothing is compiled except native dependencies. The base image is pinned to the Node release
# CI runs (README "Several machines" lists every pinned image; test/compose.test.ts checks it).
# PDFs are parsed, signed and checked in process, and the embedded PostgreSQL, used only without
# DATABASE_URL, brings its own binaries. The only system packages at run time are for search:
# poppler's pdftoppm rasterises scanned pages and Tesseract with its Vietnamese model reads them
# (without them the app runs and /healthz reports ocr: unavailable).
# Dependencies are installed in a build stage with a compiler: argon2 is built from source (its
# bundled prebuild crashed on one of our machines), so the runtime image needs no build tools.
FROM node:20.20.2-bookworm-slim AS deps
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci runs the dependencies' install scripts; the embedded PostgreSQL package needs its
# postinstall (it restores the symlinks of its bundled libraries).
RUN npm_config_build_from_source=true npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends poppler-utils tesseract-ocr tesseract-ocr-vie \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./

# Code and dependencies stay owned by root: the app only ever writes to DATA_DIR.
COPY src ./src
COPY drizzle ./drizzle

# The embedded PostgreSQL (used when DATABASE_URL is unset) refuses to run as root, and the
# service needs no privileges; /data must belong to the user before the volume is declared
# so a fresh named volume inherits the ownership.
RUN mkdir -p /data && chown node:node /data
USER node

ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
VOLUME /data
EXPOSE 3000

# Node 20 has fetch built in; curl/wget are not in the slim image. /healthz answers 200 only
# once the database and the file store answer. The start period covers migrations and, on a
# first start, initdb of the embedded PostgreSQL and the demo seed.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Not `npm start`: npm would sit between the container's signals and the app, and the app
# shuts down cleanly only when it receives SIGTERM itself. No `--demo` (which `npm start`
# passes): an image is a deployment, so DEMO defaults to 0 and the demo district and its
# development CA (which the app would trust) are seeded only with DEMO=1, for a trial.
CMD ["node", "--import", "tsx", "src/main.ts"]
