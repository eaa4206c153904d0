#!/usr/bin/env bash
# Copies front-end libraries from the npm registry into server/static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=server/static/vendor
[ -f "$dest/.done" ] && exit 0
command -v npm >/dev/null || { echo "npm not found"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
   leaflet@1.9 swagger-ui-dist@5 jsqr@1 >/dev/null)
mkdir -p "$dest/leaflet" "$dest/swagger-ui" "$dest/jsqr"
cp -r "$work/node_modules/leaflet/dist/." "$dest/leaflet/"
cp "$work/node_modules/swagger-ui-dist/"{swagger-ui.css,swagger-ui-bundle.js,swagger-ui-standalone-preset.js,favicon-32x32.png} "$dest/swagger-ui/"
cp "$work/node_modules/jsqr/dist/jsQR.js" "$dest/jsqr/"
touch "$dest/.done"
