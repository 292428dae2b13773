#!/usr/bin/env bash
# Builds sf2pg's Debian packages (sf2pg, sfemu) from the `release` preset (the compiler flags of
# the `default` preset, which CI builds, without warnings as errors),
# lints them, installs them into a fresh Debian 12 root and runs the installed programs there:
# sf2pg --version, sfemu --help, then the demo (tools/demo.sh) with the installed sf2pg and
# sfemu. Run as root (chroot); the packages are left in build-release/packages.
#
#   tools/test-package.sh
#
# The fresh root is a minimal Debian 12 (debootstrap --variant=minbase from the Debian mirror,
# cached in build-release/pkgtest/base.tar: about 2 minutes the first time). apt installs the
# packages into a copy of it, resolving their Depends from the archive, so a dependency that is
# missing (or a -dev package) fails here, and sf2pg --version runs in it under chroot. The demo
# needs this checkout's scripts and a PostgreSQL server, so it runs on this machine, but its
# sf2pg and sfemu are the root's, loaded by the root's dynamic loader with the root's libraries.
#
# SF2PG_DEBIAN_MIRROR (default http://deb.debian.org/debian) is the mirror; DEMO_ROWS sizes the
# demo (default 20000 here).
set -euo pipefail
cd "$(dirname "$0")/.."

build=build-release
mirror=${SF2PG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
phase() { echo "=== $* ($(date -u +%H:%M:%S))"; }

tools/setup.sh --packaging
phase "build: the release preset ($build)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"

phase "cpack -G DEB"
rm -rf "$build/packages"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$build/packages" >/dev/null
debs=("$build"/packages/*.deb)
for deb in "${debs[@]}"; do
  echo "$deb"
  dpkg-deb --field "$deb" Package Version Depends Recommends | sed 's/^/  /'
done

phase "lintian"
lintian --fail-on error "${debs[@]}"

phase "install into a fresh Debian 12 root"
work=$PWD/$build/pkgtest
mkdir -p "$work"
if [[ ! -f "$work/base.tar" ]]; then
  rm -rf "$work/base"
  debootstrap --variant=minbase bookworm "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  tar -C "$work/base" -cf "$work/base.tar.tmp" . && mv "$work/base.tar.tmp" "$work/base.tar"
  rm -rf "$work/base"
fi
root=$work/root
rm -rf "$root"
mkdir -p "$root"
trap 'rm -rf "$root"' EXIT
tar -C "$root" -xf "$work/base.tar"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
mkdir -p "$root/tmp/debs"
cp "${debs[@]}" "$root/tmp/debs/"
chroot "$root" apt-get update -qq
names=("${debs[@]##*/}")
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  "${names[@]/#//tmp/debs/}" >"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log" >&2; exit 1; }
echo "apt installed $(grep -c "^Setting up" "$work/apt.log") packages (log: $work/apt.log)"
chroot "$root" dpkg -L sf2pg sfemu | while read -r file; do [[ -d "$root$file" ]] || echo "  $file"; done

phase "the installed sf2pg and sfemu, in the root"
version=$(chroot "$root" sf2pg --version)
echo "$version"
commit=$(git rev-parse --short=12 HEAD)
if [[ ! "$version" =~ ^sf2pg\ [0-9.]+\ \(commit\ $commit(-dirty)?\)$ ]]; then
  echo "test-package: sf2pg --version does not name the version and commit $commit" >&2
  exit 1
fi
chroot "$root" sfemu --help >/dev/null
test -s "$root/usr/share/man/man1/sf2pg.1.gz"
test -s "$root/usr/share/sf2pg/sql/migration_status_schema.sql"
test -s "$root/usr/share/doc/sf2pg/examples/config.json"

phase "demo with the installed sf2pg and sfemu"
loader=$(readlink -f "$root/lib64/ld-linux-x86-64.so.2")
libs=$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu
for program in sf2pg sfemu; do
  printf '#!/bin/sh\nexec %q --inhibit-cache --library-path %q %q "$@"\n' \
    "$loader" "$libs" "$root/usr/bin/$program" >"$work/$program"
  chmod +x "$work/$program"
done
"$work/sf2pg" --version
DEMO_ROWS=${DEMO_ROWS:-20000} SF2PG_BIN=$work/sf2pg SFEMU_BIN=$work/sfemu tools/demo.sh
phase "package test passed: ${debs[*]}"
