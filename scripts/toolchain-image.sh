#!/usr/bin/env bash
# Builds toolchain:local, a Debian image with Go and Hugo, without a registry (none is
# reachable in CI): debootstrap a minimal bookworm, install golang-go and hugo from Debian,
# import the tree. About a minute.
#
# An image under the tag is checked by what it holds, not trusted by its name: CMD bash, and in a
# container of it (no network) `go version` reports Go 1.19 or later, as the tests' go.mod needs,
# and `hugo version` answers. A stale or foreign image is rebuilt (the old one is left as it is,
# untagged, never removed). A check that passed is remembered by image ID, a digest of the image's
# content, so later runs cost one `docker image inspect`.
#
#   bash scripts/toolchain-image.sh [--check] [IMAGE]
#
# --check only checks: exit 0 when the image is what the tests need, 1 (saying why) when not.
set -euo pipefail

log() { printf 'toolchain-image: %s\n' "$*"; }
die() { printf 'toolchain-image: error: %s\n' "$*" >&2; exit 1; }

check_only=0
args=()
for arg in "$@"; do
  case $arg in
    --check) check_only=1 ;;
    -*) printf 'toolchain-image: unknown option %s\nusage: bash scripts/toolchain-image.sh [--check] [IMAGE]\n' "$arg" >&2; exit 2 ;;
    *) args+=("$arg") ;;
  esac
done
IMAGE=${args[0]:-toolchain:local}
CMD='["/bin/bash"]'
GO_MIN_MINOR=19
VERIFIED=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/berth/test-images
# Part of the remembered check's name: a changed check re-checks every image.
CHECK_VERSION=toolchain-1

command -v docker >/dev/null || die "the docker CLI is missing (apt-get install -y docker.io)"

# Sets `why` to the reason $1 is not the toolchain image, or to nothing when it is.
check() {
  local image=$1 id cmd out minor
  why=
  if ! id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null); then
    docker info >/dev/null 2>&1 || die "no Docker engine answers; start dockerd first (scripts/provision.sh does)"
    why="$image does not exist"
    return
  fi
  [[ -f $VERIFIED/${id#sha256:}-$CHECK_VERSION ]] && return
  cmd=$(docker image inspect --format '{{json .Config.Cmd}}' "$image")
  [[ $cmd == "$CMD" ]] || { why="$image runs $cmd, not $CMD"; return; }
  out=$(docker run --rm --label berth.test=1 --network none --entrypoint '' "$image" sh -c 'go version && hugo version' 2>&1) ||
    { why="$image cannot run go version and hugo version: $(head -c 300 <<<"$out")"; return; }
  [[ $out =~ go\ version\ go1\.([0-9]+) ]] || { why="$image's go version says: $(head -n 1 <<<"$out")"; return; }
  minor=${BASH_REMATCH[1]}
  ((minor >= GO_MIN_MINOR)) || { why="$image has Go 1.$minor; the tests need 1.$GO_MIN_MINOR or later (stale)"; return; }
  [[ $out == *"hugo v"* ]] || { why="$image's hugo version says: $(tail -n 1 <<<"$out")"; return; }
  mkdir -p "$VERIFIED"
  : >"$VERIFIED/${id#sha256:}-$CHECK_VERSION"
}

build() {
  docker info >/dev/null 2>&1 || die "no Docker engine answers; start dockerd first (scripts/provision.sh does)"
  command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  root=$(mktemp -d /var/tmp/berth-toolchain.XXXXXX)
  cleanup() {
    for m in proc sys dev; do umount "$root/$m" 2>/dev/null || true; done
    rm -rf "$root"
  }
  trap cleanup EXIT
  log "debootstrap bookworm (minbase)"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/tmp/berth-debootstrap.log 2>&1 ||
    die "debootstrap failed; see /tmp/berth-debootstrap.log"
  log "installing golang-go and hugo"
  chroot "$root" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends golang-go hugo ca-certificates >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*' 2>>/tmp/berth-debootstrap.log ||
    die "installing the toolchain in the chroot failed; see /tmp/berth-debootstrap.log"
  local go_bin
  go_bin=$(ls -d "$root"/usr/lib/go-*/bin | head -n 1)
  go_bin=${go_bin#"$root"}
  tar -C "$root" -c . | docker import \
    -c "ENV PATH=$go_bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    -c "CMD $CMD" \
    -m 'berth test image: Debian bookworm with golang-go and hugo' - "$IMAGE" >/dev/null
}

check "$IMAGE"
if [[ -z $why ]]; then
  log "$IMAGE checked"
  exit 0
fi
((check_only)) && die "$why; rebuild it with: bash scripts/toolchain-image.sh"
log "$why: building $IMAGE"
build
check "$IMAGE"
[[ -z $why ]] || die "the image just built fails its own check: $why"
log "built $IMAGE"
