#!/usr/bin/env bash
# Prepares a machine for Berth's full test suite and for `npm start` without a desktop VS Code:
# Debian packages (Docker engine, Chromium, ripgrep, ShellCheck, code-server's native build deps,
# the engine tests' image tools), a running Docker engine, and code-server cached inside the repo.
# Idempotent: every step checks first, so a second run on a provisioned machine takes seconds.
#
#   bash scripts/provision.sh [--no-engine] [--no-code-server] [--start]
#
# --start is what `npm start` needs: code-server (and its build deps only when it must be
# installed); an engine is started when possible but its absence is a warning, not an error.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CODE_SERVER_VERSION=4.100.3
# code-server 4.100.3 ships VS Code 1.100.3, whose lib/vscode pins @vscode/ripgrep 1.15.11 and
# that one downloads ripgrep v13.0.0-10 from GitHub, which CI cannot reach.
RIPGREP_PKG_VERSION=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
CODE_SERVER_DIR=${BERTH_CODE_SERVER_DIR:-$ROOT/.vscode-test/code-server}
ENGINE_DEADLINE_S=${BERTH_ENGINE_DEADLINE_S:-60}

want_engine=1
want_code_server=1
start_mode=0
for arg in "$@"; do
  case "$arg" in
    --no-engine) want_engine=0 ;;
    --no-code-server) want_code_server=0 ;;
    --start) start_mode=1 ;;
    *) echo "provision: unknown option $arg (use --no-engine, --no-code-server, --start)" >&2; exit 2 ;;
  esac
done

log() { printf 'provision: %s\n' "$*"; }
die() { printf 'provision: error: %s\n' "$*" >&2; exit 1; }
started=$SECONDS

# Built by code-server's postinstall: proof that VS Code's own modules were installed and compiled.
pty_module=lib/vscode/node_modules/node-pty/build/Release/pty.node
code_server_ok() {
  local pkg=$CODE_SERVER_DIR/node_modules/code-server
  # The marker is written last, so an interrupted install is redone.
  [[ -f $CODE_SERVER_DIR/.installed-$CODE_SERVER_VERSION && -f $pkg/out/node/entry.js && -f $pkg/$pty_module ]]
}

# --- Debian packages -------------------------------------------------------------------------
code_server_packages=(
  ripgrep                       # seeds @vscode/ripgrep, whose own install downloads from GitHub
  build-essential python3 pkg-config  # node-gyp for code-server's native modules
  libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev
)
packages=()
if ((start_mode)); then
  # npm start needs the build deps only to install code-server; a running engine is optional.
  ((want_code_server)) && ! code_server_ok && packages+=("${code_server_packages[@]}")
else
  packages+=(ca-certificates git xz-utils)
  packages+=(shellcheck)          # ShellCheck inside RUN: the unit, LSP and CLI tests run the real one
  ((want_engine)) && packages+=(
    docker.io                   # the engine the engine tests and run-in-container talk to
    busybox-static debootstrap  # build test images locally (no registry is reachable)
    openssh-server              # the engine tests' private sshd for ssh:// engines
    docker-registry             # the engine tests' private registry on 127.0.0.1 for push and pull
    podman crun fuse-overlayfs slirp4netns uidmap  # the engine tests' private Podman service: Berth claims its Docker-compatible API works
    docker-compose              # the Compose (1.29, v1 CLI) the compose commands and Run Workspace's services are tested against
  )
  packages+=(chromium fonts-liberation fonts-dejavu-core) # the browser that drives code-server
  ((want_code_server)) && packages+=("${code_server_packages[@]}")
fi
missing=()
for p in "${packages[@]+"${packages[@]}"}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || die "missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}"
  log "installing ${missing[*]}"
  t=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  log "apt-get install took $((SECONDS - t)) s"
else
  log "Debian packages present"
fi

# --- Docker engine ---------------------------------------------------------------------------
engine_answers() { timeout 10 docker info >/dev/null 2>&1; }
engine_problem() {
  if ((start_mode)); then
    log "warning: $* (Berth's lint works without one; its Docker features need it)"
    return 0
  fi
  die "$*"
}
if ((want_engine)) && ! { ((start_mode)) && ! command -v dockerd >/dev/null; }; then
  if engine_answers; then
    log "Docker engine answers"
  else
    if [[ $(id -u) != 0 ]]; then
      engine_problem "no Docker engine answers and only root can start dockerd here; start one (e.g. sudo dockerd &)"
    elif pgrep -x dockerd >/dev/null; then
      log "dockerd is running but not answering yet; waiting"
    else
      engine_log=${BERTH_DOCKERD_LOG:-/tmp/berth-dockerd.log}
      log "starting dockerd in the background (log: $engine_log)"
      # setsid: the daemon must outlive this script and its process group.
      setsid dockerd >"$engine_log" 2>&1 < /dev/null &
    fi
    if [[ $(id -u) == 0 ]]; then
      deadline=$((SECONDS + ENGINE_DEADLINE_S))
      until engine_answers || ((SECONDS >= deadline)); do sleep 0.5; done
      if engine_answers; then
        log "Docker engine answers"
      else
        engine_problem "Docker engine did not answer within ${ENGINE_DEADLINE_S} s; see ${engine_log:-the dockerd log}"
      fi
    fi
  fi
fi

# --- test images -----------------------------------------------------------------------------
if ((want_engine)) && ! ((start_mode)) && engine_answers; then
  bash "$ROOT/scripts/test-images.sh" || die "building the test images failed (scripts/test-images.sh)"
  # Go and Hugo from Debian for the run-workspace tests: about a minute, once per machine.
  bash "$ROOT/scripts/toolchain-image.sh" || die "building the toolchain image failed (scripts/toolchain-image.sh)"
fi

# --- code-server -----------------------------------------------------------------------------
if ((want_code_server)); then
  if code_server_ok; then
    log "code-server $CODE_SERVER_VERSION present in ${CODE_SERVER_DIR#$ROOT/}"
  else
    log "installing code-server $CODE_SERVER_VERSION into ${CODE_SERVER_DIR#$ROOT/} (about a minute)"
    t=$SECONDS
    rm -rf "$CODE_SERVER_DIR"
    mkdir -p "$CODE_SERVER_DIR/tmp"
    # @vscode/ripgrep's postinstall looks in $TMPDIR/vscode-ripgrep-cache-<version>/ before it
    # tries GitHub: hand it Debian's rg in the archive layout it expects.
    rg_cache=$CODE_SERVER_DIR/tmp/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION
    mkdir -p "$rg_cache/stage"
    cp "$(command -v rg)" "$rg_cache/stage/rg"
    tar -C "$rg_cache/stage" -czf "$rg_cache/$RIPGREP_ASSET" rg
    rm -rf "$rg_cache/stage"
    # npm 11 skips dependencies' install scripts unless package.json's allowScripts approves
    # them. code-server's postinstall installs and compiles VS Code's own modules (lib/vscode:
    # node-pty, spdlog, ripgrep, …), so approve exactly that pinned package. argon2 stays
    # unapproved: it hashes passwords, and the tests run code-server with --auth none.
    # unsafe-perm is read by that postinstall, which refuses to run as root without it.
    cat >"$CODE_SERVER_DIR/package.json" <<EOF
{
  "name": "berth-code-server",
  "private": true,
  "description": "code-server for Berth's extension-host tests; installed by scripts/provision.sh",
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": { "code-server@$CODE_SERVER_VERSION": true }
}
EOF
    nodedir=()
    # Without nodedir, node-gyp downloads Node's headers from nodejs.org; use the local ones.
    [[ -f /usr/include/node/node.h && -z ${npm_config_nodedir:-} ]] && nodedir=(npm_config_nodedir=/usr)
    (
      cd "$CODE_SERVER_DIR"
      env TMPDIR="$CODE_SERVER_DIR/tmp" "${nodedir[@]}" \
        npm_config_unsafe_perm=true \
        npm_config_yes=true \
        npm install --no-audit --no-fund --loglevel=warn >"$CODE_SERVER_DIR/install.log" 2>&1
    ) || { tail -40 "$CODE_SERVER_DIR/install.log" >&2; die "code-server install failed; full log: $CODE_SERVER_DIR/install.log"; }
    [[ -f $CODE_SERVER_DIR/node_modules/code-server/$pty_module ]] ||
      die "code-server installed without VS Code's native modules (its postinstall did not run); see $CODE_SERVER_DIR/install.log"
    touch "$CODE_SERVER_DIR/.installed-$CODE_SERVER_VERSION"
    log "code-server install took $((SECONDS - t)) s"
  fi
fi

log "done in $((SECONDS - started)) s"
