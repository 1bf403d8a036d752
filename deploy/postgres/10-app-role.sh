#!/bin/sh
# Runs once, when the compose db volume is first initialised (docker-entrypoint-initdb.d): the role the
# service runs as. It owns nothing; `manage.py grant_app_role nrm_app`, run by the migrate service as the
# owner after every migrate, grants it what it needs (nrm/app_role.py). For a volume made before this
# file existed, run the same CREATE ROLE once by hand (docs/security.md, "Database roles").
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v app_password="$APP_DB_PASSWORD" <<'EOSQL'
CREATE ROLE nrm_app LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
EOSQL
