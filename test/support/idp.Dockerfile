# For local trials of sign-in only (docker compose --profile sign-in up): the tests' OpenID Connect
# provider (oidc-provider) as a program, built from the repository root as context. Never part of the
# service's image (the Dockerfile at the root), which leaves the tests out.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY migrations ./migrations
COPY test/support ./test/support
RUN npx tsc -p tsconfig.json
USER node
EXPOSE 4000
ENTRYPOINT ["node", "dist/test/support/local-identity-provider.js"]
