#!/usr/bin/env bash
# The arm64 (AWS Graviton) Lambda zip, end to end on an x86_64 Debian machine:
#
#   1. deploy/package.sh --arch arm64 cross-builds sf2pg in the isolated root of
#      deploy/arm64-root.sh and packages it (skipped with --zip ZIP);
#   2. `file` says that bin/sf2pg and the bundled loader are ARM aarch64;
#   3. arm64.qemu.js runs the zip's bootstrap under qemu-user-static through the Runtime API
#      emulator: every library comes from the zip, --version, validate_config, and a migration of
#      a few hundred rows from sfemu into a throwaway PostgreSQL cluster, checked row for row.
#
# Not run by deploy/test/run.sh, tools/test.sh or CI: the first cross build takes several
# minutes (the root, then sf2pg), and the emulated CPU is slow. Run it by hand after changing
# deploy/package.sh, deploy/arm64-root.sh or the libraries sf2pg links.
#
# Needs: root (chroot), debootstrap and qemu-user-static on the machine (apt-get install
# debootstrap qemu-user-static), the Debian mirror, npm, and build/ of the default preset with
# sfemu, sf2pg and sf2pg_lambda_emu (they run natively: the emulators and the row check).
#
#   deploy/test/arm64.sh [--root DIR] [--no-build] [--zip ZIP]
#     --root DIR   the arm64 root (default: deploy/package.sh's, ../arm-root next to the repository)
#     --no-build   package the binary already built in the root
#     --zip ZIP    test this zip instead of making one
set -euo pipefail

package_args=()
zip=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --root) package_args+=(--root "$(realpath -m "$2")"); shift 2 ;;
    --no-build) package_args+=(--no-build); shift ;;
    --zip) zip=$(realpath "$2"); shift 2 ;;
    *) echo "usage: $0 [--root DIR] [--no-build] [--zip ZIP]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/../.."
command -v qemu-aarch64-static >/dev/null ||
  { echo "$0: needs qemu-aarch64-static (apt-get install qemu-user-static)" >&2; exit 1; }
build=${SF2PG_BUILD_DIR:-build}
for f in sf2pg sfemu sf2pg_lambda_emu; do
  [[ -x "$build/$f" ]] || { echo "$0: $build/$f is not built (cmake --build --preset default" \
    "--target sf2pg sfemu sf2pg_lambda_emu)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { echo "arm64: $1: $(( $(date +%s) - $2 )) s"; }

if [[ -z "$zip" ]]; then
  zip=$PWD/deploy/dist/sf2pg-lambda-arm64.zip
  started=$(date +%s)
  deploy/package.sh --arch arm64 "${package_args[@]}" --out "$zip" --config-elsewhere
  step "build and package" "$started"
fi

unzip -q "$zip" -d "$work/task"
for f in bin/sf2pg lib/ld-linux-aarch64.so.1; do
  description=$(file -L "$work/task/$f")
  echo "arm64: $description"
  [[ "$description" == *"ARM aarch64"* ]] || { echo "$0: $f is not an aarch64 ELF file" >&2; exit 1; }
done

started=$(date +%s)
cd deploy/test
npm ci --no-audit --no-fund --loglevel=error
export NODE_OPTIONS="--require $PWD/polyfill.cjs ${NODE_OPTIONS:-}"
export SF2PG_ARM64_TASK=$work/task
export SF2PG_ARM64_ZIP=$zip
[[ "$build" == /* ]] || export SF2PG_BUILD_DIR=$PWD/../../$build
node --test --test-concurrency=1 arm64.qemu.js
step "tests under qemu" "$started"
