#!/usr/bin/env bash
# Builds the AWS Lambda deployment zip of sf2pg (runtime provided.al2023):
#
#   bootstrap        shell script Lambda starts; execs bin/sf2pg through the bundled loader
#   bin/sf2pg        the sf2pg binary (stripped)
#   lib/             every shared library sf2pg needs, glibc and its dynamic loader included
#   licenses/        sf2pg's LICENSE, and the Debian copyright file of each bundled library's
#                    package (<package>.copyright): the zip redistributes those libraries
#   config.json      with --config
#
# Without --config the function would start with no configuration (an init error on every
# invocation), so the script refuses unless --config-elsewhere says that SF2PG_CONFIG or a
# layer provides it. Every file gets explicit modes (directories and executables 755, the rest
# 644) whatever the umask and the source files' modes: Lambda runs the function as a non-root
# user that must read them.
#
# Running through the bundled loader with --library-path lib makes the zip independent of the
# host's glibc (Amazon Linux 2023 has glibc 2.34; sf2pg may be built with a newer one), the way
# aws-lambda-cpp's packager does it.
#
# --arch arm64 on an x86_64 machine makes the arm64 (Graviton) zip with Debian's cross toolchain:
# deploy/arm64-root.sh creates (once) an isolated Debian 12 root, --root (default
# ../arm-root next to the repository, or SF2PG_ARM64_ROOT), holding crossbuild-essential-arm64
# and the arm64 libraries; the sources are copied into it and sf2pg alone is built there with the
# release preset's flags (cmake/aarch64-linux-gnu.cmake) into ROOT/build/sf2pg-aarch64, the
# --build-dir of --no-build. The libraries, the loader (ld-linux-aarch64.so.1) and their Debian
# copyright files come from that root; the zip's layout is the same. Run as root (chroot).
#
#   deploy/package.sh [--arch x86_64|arm64] [--root DIR] [--build-dir build]
#                     [--out deploy/dist/sf2pg-lambda.zip, or sf2pg-lambda-arm64.zip for arm64]
#                     (--config config.json | --config-elsewhere) [--add FILE]... [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=""
out=""
case "$(uname -m)" in aarch64) arch=arm64 ;; *) arch=x86_64 ;; esac
host_arch=$arch
root=${SF2PG_ARM64_ROOT:-$(cd .. && pwd)/arm-root}
config=""
config_elsewhere=0
extra=()
do_build=1
usage="usage: $0 [--arch x86_64|arm64] [--root DIR] [--build-dir DIR] [--out ZIP] (--config FILE | --config-elsewhere) [--add FILE]... [--no-build]"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --arch) arch=$2; shift 2 ;;
    --root) root=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --config-elsewhere) config_elsewhere=1; shift ;;
    --add) extra+=("$2"); shift 2 ;;
    --no-build) do_build=0; shift ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
if [[ -z "$config" && $config_elsewhere -eq 0 ]]; then
  echo "$0: no --config: the function would have no configuration and fail every invocation" \
    "with Sf2pg.ConfigError. Give --config FILE, or --config-elsewhere when SF2PG_CONFIG names a" \
    "file of a layer." >&2
  exit 2
fi
if [[ -n "$config" && ! -f "$config" ]]; then
  echo "$0: --config $config: not a file" >&2
  exit 2
fi
for f in "${extra[@]}"; do
  [[ -f "$f" ]] || { echo "$0: --add $f: not a file" >&2; exit 2; }
done

case "$arch" in x86_64|arm64) ;; *) echo "$0: --arch $arch: x86_64 or arm64" >&2; exit 2 ;; esac
[[ "$arch" == arm64 ]] && out=${out:-deploy/dist/sf2pg-lambda-arm64.zip}
out=${out:-deploy/dist/sf2pg-lambda.zip}
cross=0
if [[ "$arch" != "$host_arch" ]]; then
  [[ "$arch" == arm64 ]] || { echo "$0: --arch $arch: build on an x86_64 machine" >&2; exit 2; }
  cross=1
  mkdir -p "$root"
  root=$(cd "$root" && pwd)
  build_dir=${build_dir:-$root/build/sf2pg-aarch64}
fi
build_dir=${build_dir:-build}

if [[ $do_build -eq 1 && $cross -eq 1 ]]; then
  [[ "$build_dir" == "$root/build/sf2pg-aarch64" ]] ||
    { echo "$0: --arch arm64 builds in $root/build/sf2pg-aarch64; --build-dir needs --no-build" >&2; exit 2; }
  deploy/arm64-root.sh "$root"
  # The sources as they are in this checkout (tracked and new files, not the build folders),
  # with their modification times, so that a second build recompiles only what changed.
  rm -rf "$root/build/sf2pg-src"
  mkdir -p "$root/build/sf2pg-src"
  git ls-files -z --cached --others --exclude-standard | xargs -0 -r sh -c 'for f; do [ ! -e "$f" ] || printf "%s\0" "$f"; done' sh |
    tar --null -T - -cf - | tar -xf - -C "$root/build/sf2pg-src"
  commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  git diff-index --quiet HEAD -- 2>/dev/null || commit+="-dirty"
  [[ -f "$build_dir/build.ninja" ]] ||
    chroot "$root" cmake -S /build/sf2pg-src -B /build/sf2pg-aarch64 -G Ninja \
      -DCMAKE_TOOLCHAIN_FILE=/build/sf2pg-src/cmake/aarch64-linux-gnu.cmake \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_UNITY_BUILD=ON \
      -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 -DSF2PG_WERROR=OFF -DSF2PG_BUILD_TESTS=OFF \
      -DSF2PG_BUILD_BENCH=OFF -DSF2PG_BUILD_SFEMU=OFF >/dev/null
  chroot "$root" env SF2PG_GIT_COMMIT="$commit" \
    cmake --build /build/sf2pg-aarch64 --target sf2pg -j "$(nproc)" >/dev/null
elif [[ $do_build -eq 1 ]]; then
  [[ -f "$build_dir/build.ninja" ]] || cmake --preset default >/dev/null
  cmake --build "$build_dir" --target sf2pg -j "$(nproc)" >/dev/null
fi
binary="$build_dir/sf2pg"
[[ -x "$binary" ]] || { echo "$0: $binary not found (build it first)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib" "$stage/licenses"
if [[ $cross -eq 1 ]]; then
  # The cross binutils of the root; the machine's own strip knows x86 only.
  strip_dir=$(mktemp -d "$root/tmp/sf2pg-strip.XXXXXX")
  cp "$binary" "$strip_dir/sf2pg"
  chroot "$root" aarch64-linux-gnu-strip --strip-unneeded "/tmp/$(basename "$strip_dir")/sf2pg"
  mv "$strip_dir/sf2pg" "$stage/bin/sf2pg"
  rmdir "$strip_dir"
else
  strip --strip-unneeded -o "$stage/bin/sf2pg" "$binary"
fi

# What ldd prints ("name => path" lines and the loader's path), for a binary of another
# architecture: its interpreter, and its NEEDED entries and theirs, resolved as the dynamic
# linker does (sf2pg and Debian's libraries have no RPATH) in the root's multiarch folders, then
# in the cross toolchain's own for a library no arm64 package installed.
cross_ldd() {
  local interp name path found
  local -a queue=("$1")
  local -A seen=()
  interp=$(readelf -l "$1" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
  [[ -n "$interp" ]] || return 0
  while [[ ${#queue[@]} -gt 0 ]]; do
    path=${queue[0]}
    queue=("${queue[@]:1}")
    for name in $(readelf -d "$path" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
      [[ -z "${seen[$name]:-}" && "$name" != "$(basename "$interp")" ]] || continue
      seen[$name]=1
      found=""
      for dir in /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/aarch64-linux-gnu/lib; do
        [[ -e "$root$dir/$name" ]] && { found=$root$dir/$name; break; }
      done
      [[ -n "$found" ]] || { echo "$name => not found"; continue; }
      echo "$name => $found (0x0)"
      queue+=("$found")
    done
  done
  echo "$root$interp (0x0)"
}

# Every library the dynamic linker resolves for sf2pg, under the name it is asked for, plus the
# loader itself. (sf2pg loads nothing with dlopen; glibc 2.34+ has the files and dns NSS
# modules built in.)
loader=""
bundled=()
while read -r line; do
  if [[ "$line" =~ ^([^[:space:]]+)[[:space:]]=\>[[:space:]](/[^[:space:]]+) ]]; then
    cp -L "${BASH_REMATCH[2]}" "$stage/lib/${BASH_REMATCH[1]}"
    bundled+=("${BASH_REMATCH[2]}")
  elif [[ "$line" == *"=> not found"* ]]; then
    echo "$0: $binary needs a library that is not installed: $line" >&2
    exit 1
  elif [[ "$line" =~ ^(/[^[:space:]]+ld-linux[^[:space:]]*) ]]; then
    loader=$(basename "${BASH_REMATCH[1]}")
    cp -L "${BASH_REMATCH[1]}" "$stage/lib/$loader"
    bundled+=("${BASH_REMATCH[1]}")
  fi
done < <(if [[ $cross -eq 1 ]]; then cross_ldd "$binary"; else ldd "$binary"; fi)
[[ -n "$loader" ]] || { echo "$0: no dynamic loader found in ldd output" >&2; exit 1; }

# The licence of every library the zip redistributes: the copyright file of the Debian package
# that installed it. A library no package owns (built by hand) is named, so its licence can be
# added with --add.
cp LICENSE "$stage/licenses/sf2pg.LICENSE"
# A cross build's libraries belong to the packages of its root.
prefix=""
dpkg_query=(dpkg-query)
if [[ $cross -eq 1 ]]; then
  prefix=$root
  dpkg_query=(chroot "$root" dpkg-query)
fi
for library in "${bundled[@]}"; do
  owner=""
  for candidate in "$library" "$(readlink -f "$library")"; do
    candidate=${candidate#"$prefix"}
    owner=$("${dpkg_query[@]}" -S "$candidate" 2>/dev/null | head -n 1 | cut -d: -f1) && [[ -n "$owner" ]] && break
  done
  if [[ -n "$owner" && -f "$prefix/usr/share/doc/$owner/copyright" ]]; then
    cp "$prefix/usr/share/doc/$owner/copyright" "$stage/licenses/$owner.copyright"
  else
    echo "$0: warning: no package owns $library; add its licence with --add" >&2
  fi
done

cat > "$stage/bootstrap" <<BOOT
#!/bin/sh
# sf2pg's Lambda bootstrap: runs sf2pg through the glibc loader and libraries bundled in lib/,
# never the host's. Without arguments sf2pg serves the Lambda Runtime API.
root=\$(cd "\$(dirname "\$0")" && pwd -P)
[ \$# -eq 0 ] && set -- lambda
exec "\$root/lib/$loader" --library-path "\$root/lib" "\$root/bin/sf2pg" "\$@"
BOOT
[[ -n "$config" ]] && cp "$config" "$stage/config.json"
for f in "${extra[@]}"; do cp "$f" "$stage/"; done
find "$stage" -type d -exec chmod 755 {} +
find "$stage" -type f -exec chmod 644 {} +
chmod 755 "$stage/bootstrap" "$stage/bin/sf2pg" "$stage/lib/$loader"

mkdir -p "$(dirname "$out")"
out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
rm -f "$out_abs"
(cd "$stage" && zip -q -r -X "$out_abs" .)
size=$(stat -c %s "$out_abs")
unzipped=$(du -sb "$stage" | cut -f1)
echo "$out: $size bytes ($((size / 1024 / 1024)) MiB zipped, $((unzipped / 1024 / 1024)) MiB unzipped;" \
  "Lambda allows 50 MiB zipped for a direct upload, 250 MiB unzipped)"
