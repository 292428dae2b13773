#!/usr/bin/env bash
# Builds the AWS Lambda deployment zip of sf2pg (runtime provided.al2023):
#
#   bootstrap        shell script Lambda starts; execs bin/sf2pg through the bundled loader
#   bin/sf2pg        the sf2pg binary (stripped)
#   lib/             every shared library sf2pg needs, glibc and its dynamic loader included
#   config.json      with --config
#
# Running through the bundled loader with --library-path lib makes the zip independent of the
# host's glibc (Amazon Linux 2023 has glibc 2.34; sf2pg may be built with a newer one), the way
# aws-lambda-cpp's packager does it.
#
#   deploy/package.sh [--build-dir build] [--out deploy/dist/sf2pg-lambda.zip]
#                     [--config config.json] [--add FILE]... [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
out=deploy/dist/sf2pg-lambda.zip
config=""
extra=()
do_build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --add) extra+=("$2"); shift 2 ;;
    --no-build) do_build=0; shift ;;
    *) echo "usage: $0 [--build-dir DIR] [--out ZIP] [--config FILE] [--add FILE]... [--no-build]" >&2; exit 2 ;;
  esac
done

if [[ $do_build -eq 1 ]]; then
  [[ -f "$build_dir/build.ninja" ]] || cmake --preset default >/dev/null
  cmake --build "$build_dir" --target sf2pg -j "$(nproc)" >/dev/null
fi
binary="$build_dir/sf2pg"
[[ -x "$binary" ]] || { echo "$0: $binary not found (build it first)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib"
strip --strip-unneeded -o "$stage/bin/sf2pg" "$binary"

# Every library the dynamic linker resolves for sf2pg, under the name it is asked for, plus the
# loader itself. (sf2pg loads nothing with dlopen; glibc 2.34+ has the files and dns NSS
# modules built in.)
loader=""
while read -r line; do
  if [[ "$line" =~ ^([^[:space:]]+)[[:space:]]=\>[[:space:]](/[^[:space:]]+) ]]; then
    cp -L "${BASH_REMATCH[2]}" "$stage/lib/${BASH_REMATCH[1]}"
  elif [[ "$line" =~ ^(/[^[:space:]]+ld-linux[^[:space:]]*) ]]; then
    loader=$(basename "${BASH_REMATCH[1]}")
    cp -L "${BASH_REMATCH[1]}" "$stage/lib/$loader"
  fi
done < <(ldd "$binary")
[[ -n "$loader" ]] || { echo "$0: no dynamic loader found in ldd output" >&2; exit 1; }
chmod 755 "$stage/lib/$loader"

cat > "$stage/bootstrap" <<BOOT
#!/bin/sh
# sf2pg's Lambda bootstrap: runs sf2pg through the glibc loader and libraries bundled in lib/,
# never the host's. Without arguments sf2pg serves the Lambda Runtime API.
root=\$(cd "\$(dirname "\$0")" && pwd -P)
[ \$# -eq 0 ] && set -- lambda
exec "\$root/lib/$loader" --library-path "\$root/lib" "\$root/bin/sf2pg" "\$@"
BOOT
chmod 755 "$stage/bootstrap" "$stage/bin/sf2pg"
[[ -n "$config" ]] && cp "$config" "$stage/config.json"
for f in "${extra[@]}"; do cp "$f" "$stage/"; done

mkdir -p "$(dirname "$out")"
out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
rm -f "$out_abs"
(cd "$stage" && zip -q -r -X "$out_abs" .)
size=$(stat -c %s "$out_abs")
unzipped=$(du -sb "$stage" | cut -f1)
echo "$out: $size bytes ($((size / 1024 / 1024)) MiB zipped, $((unzipped / 1024 / 1024)) MiB unzipped;" \
  "Lambda allows 50 MiB zipped for a direct upload, 250 MiB unzipped)"
