#!/usr/bin/env bash
# Creates (or brings up to date) the isolated Debian 12 root in which deploy/package.sh --arch
# arm64 cross-builds sf2pg for aarch64: a debootstrap'ed bookworm (amd64) with the arm64
# architecture added, Debian's cross toolchain (crossbuild-essential-arm64), cmake and ninja,
# and the arm64 -dev libraries sf2pg links (the list of tools/setup.sh; no cpp-httplib, which
# only sfemu and the tests use).
#
# The arm64 packages live in that root only: the build machine's own packages are never touched
# (adding a foreign architecture to the host can replace its -dev packages). Run as root; needs
# debootstrap and the network to a Debian mirror (the first APT source of the host by default).
# About 5 minutes and 1 GiB the first time; a second run only installs what is missing.
#
#   deploy/arm64-root.sh ROOT [--mirror URL]
set -euo pipefail

usage="usage: $0 ROOT [--mirror URL]"
root=""
mirror=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mirror) mirror=$2; shift 2 ;;
    -*) echo "$usage" >&2; exit 2 ;;
    *) [[ -z "$root" ]] || { echo "$usage" >&2; exit 2; }; root=$1; shift ;;
  esac
done
[[ -n "$root" ]] || { echo "$usage" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "$0: run as root (debootstrap and chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "$0: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }

if [[ -z "$mirror" ]]; then
  # The host's own Debian mirror: deb822 "URIs:" or one-line "deb URL bookworm main".
  mirror=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list \
    /etc/apt/sources.list.d/*.list | grep -m1 -oE 'https?://[^ ]*/debian/?' || true)
  mirror=${mirror:-http://deb.debian.org/debian}
fi
mirror=${mirror%/}

packages=(
  crossbuild-essential-arm64 cmake ninja-build pkgconf file
  libpq-dev:arm64 libcurl4-openssl-dev:arm64 libssl-dev:arm64 zlib1g-dev:arm64
  libsimdjson-dev:arm64 libdeflate-dev:arm64 libspdlog-dev:arm64 libfmt-dev:arm64
  nlohmann-json3-dev libcli11-dev
)

mkdir -p "$root"
root=$(cd "$root" && pwd)
if [[ ! -x "$root/usr/bin/apt-get" ]]; then
  echo "arm64-root: debootstrap bookworm into $root from $mirror"
  debootstrap --variant=minbase --arch=amd64 bookworm "$root" "$mirror"
fi

# /proc for the packages' maintainer scripts, unmounted whatever happens.
mounted=0
cleanup() { [[ $mounted -eq 0 ]] || umount "$root/proc"; }
trap cleanup EXIT
if ! mountpoint -q "$root/proc"; then
  mount -t proc proc "$root/proc"
  mounted=1
fi

cat > "$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOF
chroot "$root" dpkg --add-architecture arm64
missing=()
for p in "${packages[@]}"; do
  chroot "$root" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "arm64-root: installing ${missing[*]}"
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  chroot "$root" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  chroot "$root" apt-get clean
fi

echo "arm64-root: $root ready ($(chroot "$root" aarch64-linux-gnu-g++ -dumpfullversion 2>/dev/null || echo '?'))"
