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
#   deploy/package.sh [--build-dir build] [--out deploy/dist/sf2pg-lambda.zip]
#                     (--config config.json | --config-elsewhere) [--add FILE]... [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
out=deploy/dist/sf2pg-lambda.zip
config=""
config_elsewhere=0
extra=()
do_build=1
usage="usage: $0 [--build-dir DIR] [--out ZIP] (--config FILE | --config-elsewhere) [--add FILE]... [--no-build]"
while [[ $# -gt 0 ]]; do
  case "$1" in
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

if [[ $do_build -eq 1 ]]; then
  [[ -f "$build_dir/build.ninja" ]] || cmake --preset default >/dev/null
  cmake --build "$build_dir" --target sf2pg -j "$(nproc)" >/dev/null
fi
binary="$build_dir/sf2pg"
[[ -x "$binary" ]] || { echo "$0: $binary not found (build it first)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib" "$stage/licenses"
strip --strip-unneeded -o "$stage/bin/sf2pg" "$binary"

# Every library the dynamic linker resolves for sf2pg, under the name it is asked for, plus the
# loader itself. (sf2pg loads nothing with dlopen; glibc 2.34+ has the files and dns NSS
# modules built in.)
loader=""
bundled=()
while read -r line; do
  if [[ "$line" =~ ^([^[:space:]]+)[[:space:]]=\>[[:space:]](/[^[:space:]]+) ]]; then
    cp -L "${BASH_REMATCH[2]}" "$stage/lib/${BASH_REMATCH[1]}"
    bundled+=("${BASH_REMATCH[2]}")
  elif [[ "$line" =~ ^(/[^[:space:]]+ld-linux[^[:space:]]*) ]]; then
    loader=$(basename "${BASH_REMATCH[1]}")
    cp -L "${BASH_REMATCH[1]}" "$stage/lib/$loader"
    bundled+=("${BASH_REMATCH[1]}")
  fi
done < <(ldd "$binary")
[[ -n "$loader" ]] || { echo "$0: no dynamic loader found in ldd output" >&2; exit 1; }

# The licence of every library the zip redistributes: the copyright file of the Debian package
# that installed it. A library no package owns (built by hand) is named, so its licence can be
# added with --add.
cp LICENSE "$stage/licenses/sf2pg.LICENSE"
for library in "${bundled[@]}"; do
  owner=""
  for candidate in "$library" "$(readlink -f "$library")"; do
    owner=$(dpkg-query -S "$candidate" 2>/dev/null | head -n 1 | cut -d: -f1) && [[ -n "$owner" ]] && break
  done
  if [[ -n "$owner" && -f "/usr/share/doc/$owner/copyright" ]]; then
    cp "/usr/share/doc/$owner/copyright" "$stage/licenses/$owner.copyright"
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
