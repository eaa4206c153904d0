#!/usr/bin/env bash
# Development only, before the first release: rebuild the initial migration from the models.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f server/migrations/versions/*.py
DATABASE_URL="sqlite:///$tmp/regen.sqlite3" .venv/bin/flask --app server db migrate -m "initial schema" >/dev/null 2>&1
rm -rf "$tmp"
ls server/migrations/versions
