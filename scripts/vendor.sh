#!/usr/bin/env bash
# Copies front-end libraries from the npm registry into server/static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=server/static/vendor
# Bump the stamp when the list below changes, so existing checkouts fetch the new ones.
stamp="$dest/.done-2"
[ -f "$stamp" ] && exit 0
command -v npm >/dev/null || { echo "npm not found"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
   leaflet@1.9 swagger-ui-dist@5 jsqr@1 sortablejs@1 axe-core@4 >/dev/null)
mkdir -p "$dest/leaflet" "$dest/swagger-ui" "$dest/jsqr" "$dest/sortable" "$dest/axe"
cp -r "$work/node_modules/leaflet/dist/." "$dest/leaflet/"
cp "$work/node_modules/swagger-ui-dist/"{swagger-ui.css,swagger-ui-bundle.js,swagger-ui-standalone-preset.js,favicon-32x32.png} "$dest/swagger-ui/"
cp "$work/node_modules/jsqr/dist/jsQR.js" "$dest/jsqr/"
cp "$work/node_modules/sortablejs/Sortable.min.js" "$dest/sortable/"
cp "$work/node_modules/axe-core/axe.min.js" "$dest/axe/"
touch "$stamp"
