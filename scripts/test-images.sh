#!/usr/bin/env bash
# Builds the images the engine tests and benchmark need, without a registry (none is reachable in
# CI): busybox:local is Debian's busybox-static with its applet links, imported as a one-layer
# image; busybox:local-alt is a second tag of it. Idempotent and fast when the images exist.
set -euo pipefail

log() { printf 'test-images: %s\n' "$*"; }
die() { printf 'test-images: error: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null || die "the docker CLI is missing (apt-get install -y docker.io)"
docker info >/dev/null 2>&1 || die "no Docker engine answers; start dockerd first (scripts/provision.sh does)"

if docker image inspect busybox:local >/dev/null 2>&1; then
  log "busybox:local present"
else
  busybox=/bin/busybox
  [[ -x $busybox ]] || die "$busybox is missing (apt-get install -y busybox-static)"
  file_out=$(LC_ALL=C file -b "$busybox" 2>/dev/null || true)
  [[ -z $file_out || $file_out == *static* ]] || die "$busybox is not statically linked; install busybox-static"
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root"
  cp "$busybox" "$root/bin/busybox"
  # One hard link per applet (sh, sleep, httpd, …), all in /bin, which is on the default PATH.
  while read -r applet; do
    [[ $applet == busybox ]] || ln -f "$root/bin/busybox" "$root/bin/$applet"
  done < <("$busybox" --list)
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  tar -C "$root" -c . | docker import \
    -c 'CMD ["/bin/sh"]' \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -m 'berth test image: Debian busybox-static' - busybox:local >/dev/null
  log "built busybox:local"
fi
docker image inspect busybox:local-alt >/dev/null 2>&1 || docker tag busybox:local busybox:local-alt
log "ready: busybox:local, busybox:local-alt"
