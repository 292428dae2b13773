#!/usr/bin/env bash
# The Node-based checks of deploy/: installs the pinned npm packages (npm ci), then runs every
# *.test.js with Node's test runner: definitions (asl-validator), the template, the workflows'
# logic, the package, and the end-to-end executions against the real bootstrap.
# Uses the binaries of SF2PG_BUILD_DIR (default: build/).
# arm64.sh (the arm64 zip under qemu-user-static, arm64.qemu.js) is not run here: it takes minutes.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
# aws-local-stepfunctions needs Promise.withResolvers (Node >= 22); polyfill.cjs adds it.
export NODE_OPTIONS="--require $PWD/polyfill.cjs ${NODE_OPTIONS:-}"
exec node --test --test-concurrency=1 ./*.test.js
