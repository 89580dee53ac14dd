#!/usr/bin/env bash
# `npm start`: Berth in a real VS Code on the demo workspace, from a fresh clone.
#
# Installs dependencies when node_modules is missing and builds. Then, with a desktop VS Code
# (`code` on PATH), opens demo/ with this repo as the development extension. Without one, it
# provisions code-server (scripts/provision.sh --start), links the repo into code-server's
# extensions folder as berth.berth, and serves demo/ on http://127.0.0.1:8080 until Ctrl+C.
#
# Environment: BERTH_PORT (default 8080); BERTH_USE_CODE_SERVER=1 to use code-server even when
# `code` exists. code-server runs without a password, so it listens on loopback only.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PORT=${BERTH_PORT:-8080}
HOST=127.0.0.1
DEMO=$ROOT/demo
log() { printf 'start: %s\n' "$*"; }
die() { printf 'start: error: %s\n' "$*" >&2; exit 1; }

if [[ ! -d node_modules ]]; then
  log "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
npm run --silent build

if [[ -z ${BERTH_USE_CODE_SERVER:-} ]] && command -v code >/dev/null; then
  log "opening demo/ in VS Code with Berth from $ROOT"
  exec code --extensionDevelopmentPath="$ROOT" "$DEMO"
fi

bash scripts/provision.sh --start
CODE_SERVER_ENTRY=$ROOT/.vscode-test/code-server/node_modules/code-server/out/node/entry.js
[[ -f $CODE_SERVER_ENTRY ]] || die "code-server is missing at $CODE_SERVER_ENTRY after provisioning"

# State that should survive restarts (settings, open editors) lives beside the cached code-server.
STATE=$ROOT/.vscode-test/start
EXTENSIONS=$STATE/extensions
mkdir -p "$STATE/user-data/User" "$EXTENSIONS"
# Berth is "installed" as a link to this checkout, so a rebuild (npm run build) plus a window
# reload picks up changes. The name follows VS Code's <publisher>.<name>-<version> layout.
version=$(node -p "require('./package.json').version")
find "$EXTENSIONS" -maxdepth 1 -name 'berth.berth-*' ! -name "berth.berth-$version" -exec rm -rf {} +
ln -sfn "$ROOT" "$EXTENSIONS/berth.berth-$version"
# extensions.json caches what is installed; a stale one (e.g. an old version) would hide the link.
rm -f "$EXTENSIONS/extensions.json"
settings=$STATE/user-data/User/settings.json
if [[ ! -f $settings ]]; then
  cat >"$settings" <<'EOF'
{
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "git.openRepositoryInParentFolders": "never",
  "extensions.ignoreRecommendations": true
}
EOF
fi

if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then
  die "something already listens on $HOST:$PORT; stop it or choose another port with BERTH_PORT=..."
fi

log "Berth on the demo workspace: http://$HOST:$PORT/  (Ctrl+C stops it)"
exec node "$CODE_SERVER_ENTRY" \
  --auth none \
  --bind-addr "$HOST:$PORT" \
  --user-data-dir "$STATE/user-data" \
  --extensions-dir "$EXTENSIONS" \
  --config "$STATE/code-server.yaml" \
  --disable-telemetry \
  --disable-update-check \
  --disable-getting-started-override \
  "$DEMO"
