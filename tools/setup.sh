#!/usr/bin/env bash
# Installs every Debian package sf2pg needs to build, test and benchmark; with --packaging, also
# what tools/test-package.sh needs to build, lint and install the Debian packages.
# Idempotent; run as root (or with sudo available). Downloads nothing but Debian packages, and
# the source of Debian's pgvector package (built here: Debian 12 has none for PostgreSQL 15).
set -euo pipefail

packages=(
  # toolchain
  build-essential g++ cmake ninja-build pkg-config git ca-certificates
  clang libclang-rt-14-dev clang-format
  # libraries
  libpq-dev libcurl4-openssl-dev libssl-dev zlib1g-dev
  libsimdjson-dev libdeflate-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # PostgreSQL server for the tests and the demo
  postgresql postgresql-contrib postgresql-client postgresql-15-postgis-3 postgresql-server-dev-15
  # tools used by the tests, benchmarks and packaging
  procps iproute2 util-linux zip unzip python3 curl openssl binutils
  pgloader python3-pandas python3-psycopg2 python3-yaml python3-jsonschema time
  # the man page and completions (tests)
  groff-base man-db zsh
)
[[ "${1:-}" == "--packaging" ]] && packages+=(dpkg-dev lintian debootstrap)

# Node.js runs the Step Functions tooling; machines often ship their own, which Debian's
# nodejs package conflicts with, so it is only installed when absent.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
pg_config=/usr/lib/postgresql/15/bin/pg_config
pgvector_missing=0
[[ -x "$pg_config" && -f "$("$pg_config" --sharedir)/extension/vector.control" ]] || pgvector_missing=1
# Root (or sudo) is needed only when something is to be installed.
SUDO=""
if [[ $(id -u) -ne 0 && (${#missing[@]} -gt 0 || $pgvector_missing -eq 1) ]]; then
  command -v sudo >/dev/null || {
    echo "setup: run as root to install: ${missing[*]}$([[ $pgvector_missing -eq 1 ]] && echo " pgvector")" >&2
    exit 1
  }
  SUDO="sudo"
fi
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all packages present"
else
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  # Debian's postgresql package starts a system cluster; sf2pg's tests run their own.
  $SUDO systemctl disable --now postgresql >/dev/null 2>&1 || true
fi

# pgvector, the `vector` extension that VECTOR(FLOAT, n) lands in when a target has it. Debian
# 12 packages it for no PostgreSQL 15, so Debian's own source package (trixie's 0.8.0) is built
# against postgresql-server-dev-15, after its SHA-256 is checked (the one in Debian's Sources).
if [[ ! -f "$("$pg_config" --sharedir)/extension/vector.control" ]]; then
  version=0.8.0
  sha256=867a2c328d4928a5a9d6f052cd3bc78c7d60228a9b914ad32aa3db88e9de27b0
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "setup: building pgvector $version from Debian's source package"
  curl -fsSL -o "$work/pgvector.tar.gz" \
    "http://deb.debian.org/debian/pool/main/p/pgvector/pgvector_$version.orig.tar.gz"
  echo "$sha256  $work/pgvector.tar.gz" | sha256sum -c --quiet
  tar -xzf "$work/pgvector.tar.gz" -C "$work"
  # No -march=native (OPTFLAGS) and no LLVM bitcode: a plain build for this machine's PostgreSQL.
  make -s -C "$work/pgvector-$version" PG_CONFIG="$pg_config" OPTFLAGS="" with_llvm=no >/dev/null
  $SUDO make -s -C "$work/pgvector-$version" PG_CONFIG="$pg_config" OPTFLAGS="" with_llvm=no \
    install >/dev/null
fi
echo "setup: done"
