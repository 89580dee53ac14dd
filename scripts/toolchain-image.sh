#!/usr/bin/env bash
# Builds toolchain:local, a Debian image with Go and Hugo, without a registry (none is
# reachable in CI): debootstrap a minimal bookworm, install golang-go and hugo from Debian,
# import the tree. About a minute; skipped when the image exists.
set -euo pipefail

log() { printf 'toolchain-image: %s\n' "$*"; }
die() { printf 'toolchain-image: error: %s\n' "$*" >&2; exit 1; }

IMAGE=${1:-toolchain:local}
docker info >/dev/null 2>&1 || die "no Docker engine answers; start dockerd first (scripts/provision.sh does)"
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "$IMAGE present"
  exit 0
fi
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
go_bin=$(ls -d "$root"/usr/lib/go-*/bin | head -n 1)
go_bin=${go_bin#"$root"}
tar -C "$root" -c . | docker import \
  -c "ENV PATH=$go_bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  -c 'CMD ["/bin/bash"]' \
  -m 'berth test image: Debian bookworm with golang-go and hugo' - "$IMAGE" >/dev/null
log "built $IMAGE"
