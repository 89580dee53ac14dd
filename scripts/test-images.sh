#!/usr/bin/env bash
# Builds the images the engine tests and benchmark need, without a registry (none is reachable in
# CI): busybox:local is Debian's busybox-static with its applet links, imported as a one-layer
# image; busybox:local-alt is a second tag of it.
#
# An image is checked by what it holds, not trusted by its tag: its CMD, its /etc/passwd and
# /etc/group, every applet link, the busybox binary (the same bytes as this machine's
# /bin/busybox) and a world-writable /tmp. A stale or foreign image under the tag is rebuilt
# (the old one is left as it is, untagged, never removed). A check that passed is remembered by
# image ID, which is a digest of the image's content, so later runs cost one `docker image inspect`.
#
#   bash scripts/test-images.sh [--check] [IMAGE [ALT]]
#
# --check only checks: exit 0 when the images are what the tests need, 1 (saying why) when not.
# The tests run it (test/fixtures/testImages.ts); IMAGE and ALT exist for the scripts' own test.
set -euo pipefail

log() { printf 'test-images: %s\n' "$*"; }
die() { printf 'test-images: error: %s\n' "$*" >&2; exit 1; }

check_only=0
args=()
for arg in "$@"; do
  case $arg in
    --check) check_only=1 ;;
    -*) printf 'test-images: unknown option %s\nusage: bash scripts/test-images.sh [--check] [IMAGE [ALT]]\n' "$arg" >&2; exit 2 ;;
    *) args+=("$arg") ;;
  esac
done
IMAGE=${args[0]:-busybox:local}
ALT=${args[1]:-busybox:local-alt}
BUSYBOX=/bin/busybox
CMD='["/bin/sh"]'
PASSWD=$'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh'
GROUP=$'root:x:0:\nnogroup:x:65534:'
VERIFIED=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/berth/test-images

command -v docker >/dev/null || die "the docker CLI is missing (apt-get install -y docker.io)"
[[ -x $BUSYBOX ]] || die "$BUSYBOX is missing (apt-get install -y busybox-static)"

tmp=$(mktemp -d)
cid=
cleanup() {
  [[ -z $cid ]] || docker rm -f "$cid" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# What the image must hold: the applet list and the binary come from this machine's busybox.
"$BUSYBOX" --list | sort >"$tmp/applets"
busybox_sha=$(sha256sum <"$BUSYBOX" | cut -d' ' -f1)
# Names the remembered check: another busybox, or a changed check, re-checks every image.
CHECK_VERSION=busybox-1
expected=$(printf '%s\n' "$CHECK_VERSION" "$CMD" "$PASSWD" "$GROUP" "$busybox_sha" | cat - "$tmp/applets" | sha256sum | cut -d' ' -f1)

# Sets `why` to the reason $1 is not the test image, or to nothing when it is.
check() {
  local image=$1 id cmd lacking
  why=
  if ! id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null); then
    docker info >/dev/null 2>&1 || die "no Docker engine answers; start dockerd first (scripts/provision.sh does)"
    why="$image does not exist"
    return
  fi
  [[ -f $VERIFIED/${id#sha256:}-$expected ]] && return
  cmd=$(docker image inspect --format '{{json .Config.Cmd}}' "$image")
  [[ $cmd == "$CMD" ]] || { why="$image runs $cmd, not $CMD"; return; }
  # Created, never started: its files are read from the export without running anything in it.
  cid=$(docker create --label berth.test=1 "$image") || { why="cannot create a container of $image"; return; }
  rm -rf "$tmp/rootfs" && mkdir "$tmp/rootfs"
  docker export "$cid" | tar -x -C "$tmp/rootfs" --no-same-owner -f - bin etc tmp 2>/dev/null || true
  docker rm -f "$cid" >/dev/null
  cid=
  local fs=$tmp/rootfs
  [[ -f $fs/etc/passwd && $(<"$fs/etc/passwd") == "$PASSWD" ]] || { why="$image's /etc/passwd is not the test image's (root and nobody only)"; return; }
  [[ -f $fs/etc/group && $(<"$fs/etc/group") == "$GROUP" ]] || { why="$image's /etc/group is not the test image's (root and nogroup only)"; return; }
  [[ -f $fs/bin/busybox ]] && cmp -s "$fs/bin/busybox" "$BUSYBOX" || { why="$image's /bin/busybox is not this machine's $BUSYBOX (stale or foreign)"; return; }
  # Links, as built: every applet is the busybox file itself, not a copy and not something else.
  lacking=
  while read -r applet; do [[ $fs/bin/$applet -ef $fs/bin/busybox ]] || lacking+="$applet "; done <"$tmp/applets"
  [[ -z $lacking ]] || { why="$image lacks busybox applets in /bin: ${lacking:0:120}…"; return; }
  [[ $(stat -c %a "$fs/tmp" 2>/dev/null) == 1777 ]] || { why="$image's /tmp is not world-writable (1777)"; return; }
  mkdir -p "$VERIFIED"
  : >"$VERIFIED/${id#sha256:}-$expected"
}

build() {
  local root=$tmp/root file_out
  file_out=$(LC_ALL=C file -b "$BUSYBOX" 2>/dev/null || true)
  [[ -z $file_out || $file_out == *static* ]] || die "$BUSYBOX is not statically linked; install busybox-static"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root"
  cp "$BUSYBOX" "$root/bin/busybox"
  # One hard link per applet (sh, sleep, httpd, …), all in /bin, which is on the default PATH.
  while read -r applet; do
    [[ $applet == busybox ]] || ln -f "$root/bin/busybox" "$root/bin/$applet"
  done <"$tmp/applets"
  printf '%s\n' "$PASSWD" >"$root/etc/passwd"
  printf '%s\n' "$GROUP" >"$root/etc/group"
  chmod 1777 "$root/tmp"
  tar -C "$root" -c . | docker import \
    -c "CMD $CMD" \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -m 'berth test image: Debian busybox-static' - "$IMAGE" >/dev/null
}

check "$IMAGE"
if [[ -z $why ]]; then
  log "$IMAGE checked"
elif ((check_only)); then
  die "$why; rebuild it with: bash scripts/test-images.sh"
else
  log "$why: building $IMAGE"
  build
  check "$IMAGE"
  [[ -z $why ]] || die "the image just built fails its own check: $why"
  log "built $IMAGE"
fi

image_id=$(docker image inspect --format '{{.Id}}' "$IMAGE")
alt_id=$(docker image inspect --format '{{.Id}}' "$ALT" 2>/dev/null || true)
if [[ $alt_id != "$image_id" ]]; then
  if ((check_only)); then
    [[ -n $alt_id ]] || die "$ALT does not exist; tag it with: bash scripts/test-images.sh"
    die "$ALT is another image than $IMAGE; retag it with: bash scripts/test-images.sh"
  fi
  docker tag "$IMAGE" "$ALT"
  log "tagged $ALT"
fi
log "ready: $IMAGE, $ALT"
