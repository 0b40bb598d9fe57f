#!/usr/bin/env bash
# Vendor YASGUI (the SPARQL editor at /sparql-editor) from npm into the package's static files,
# so the server never loads a script or a style sheet from another host.
#
# Reads package.json and package-lock.json at the repository root; installs them with `npm ci`
# in build/npm (ignored by git, so node_modules never lands in the tree), without running any
# package's install scripts; copies the bundle into src/clusterkb/web/static/yasgui/.
# npm's registry is the only network this needs; nothing is fetched when the server runs.
# Without npm (or with no registry), the editor page keeps its plain form: exit status 1 says so.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/build/npm"
DEST="$ROOT/src/clusterkb/web/static/yasgui"
PACKAGE="@zazuko/yasgui"

if ! command -v npm >/dev/null 2>&1; then
  echo "vendor_yasgui: npm is not installed; /sparql-editor keeps its plain form" >&2
  exit 1
fi

mkdir -p "$WORK"
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$WORK/"
(
  cd "$WORK"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
)

SRC="$WORK/node_modules/$PACKAGE/build"
for f in yasgui.min.js yasgui.min.css; do
  if [ ! -s "$SRC/$f" ]; then
    echo "vendor_yasgui: $PACKAGE has no build/$f; its layout changed" >&2
    exit 1
  fi
done

TMP="$(mktemp -d "$WORK/yasgui.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
# the source map is not shipped, so its reference goes too (a browser would ask for it)
grep -v '^//# sourceMappingURL=' "$SRC/yasgui.min.js" >"$TMP/yasgui.min.js"
cp "$SRC/yasgui.min.css" "$TMP/yasgui.min.css"
VERSION="$(cd "$WORK" && node -p "require('./node_modules/$PACKAGE/package.json').version")"
LICENSE="$(cd "$WORK" && node -p "require('./node_modules/$PACKAGE/package.json').license")"
cat >"$TMP/NOTICE" <<NOTICE
$PACKAGE $VERSION ($LICENSE licence), https://github.com/zazuko/Yasgui
Copied from the npm package's build/ folder by scripts/vendor_yasgui.sh; do not edit.
NOTICE

mkdir -p "$DEST"
cp "$TMP/yasgui.min.js" "$TMP/yasgui.min.css" "$TMP/NOTICE" "$DEST/"
echo "vendor_yasgui: $PACKAGE $VERSION -> ${DEST#"$ROOT"/}"
