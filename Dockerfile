# The service, compiled: `docker build -t speaker-allocation .` then
# `docker run -p 3000:3000 speaker-allocation` (an embedded PostgreSQL in /app/.data, a volume) or with
# -e DATABASE_URL=... (see docker-compose.yml). Node 24 is the current LTS.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
# The service and its migrations only: the tests (in tsconfig's include too) stay out of the image.
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# tsc copies no static files: the dashboard's page, script and style go where the compiled controller
# looks first (next to it, in dist/src/dashboard/public).
COPY --from=build /app/src/dashboard/public ./dist/src/dashboard/public
COPY package.json ./
# The embedded PostgreSQL (used when DATABASE_URL is unset) keeps its data here, as the node user.
RUN mkdir -p /app/.data && chown node:node /app/.data
VOLUME /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
