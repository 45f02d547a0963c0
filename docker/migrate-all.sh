#!/bin/sh
# One-shot migration job of docker-compose.yml: each service's migrations as its owner role, with
# the same variables `npm start` passes (DATABASE_MIGRATION_URL, DATABASE_URL), read from
# <SVC>_MIGRATION_DATABASE_URL / <SVC>_DATABASE_URL. A service without migrate.ts is skipped.
set -eu
for pair in config:config-service workflow:workflow-service submission:submission-service \
            punchlist:punchlist-service gateway:gateway; do
  key=${pair%%:*}
  app=${pair#*:}
  # The runtime image holds the compiled apps (dist/); the tools image runs the sources.
  file="dist/$app/apps/$app/src/database/migrate.js"
  runner="node"
  if [ ! -f "$file" ]; then
    file="apps/$app/src/database/migrate.ts"
    runner="node -r ./scripts/register.cjs"
  fi
  if [ ! -f "$file" ]; then
    echo "[migrate] $app: no $file; skipped"
    continue
  fi
  prefix=$(echo "$key" | tr '[:lower:]' '[:upper:]')
  eval "owner_url=\${${prefix}_MIGRATION_DATABASE_URL}"
  eval "app_url=\${${prefix}_DATABASE_URL}"
  echo "[migrate] $app"
  SERVICE_NAME="$app" DATABASE_MIGRATION_URL="$owner_url" DATABASE_URL="$app_url" \
    $runner "$file"
done
echo "[migrate] done"
