#!/usr/bin/env bash
# Set up tiermem on Debian 12 (Node 20 + npm present): install the missing system packages with
# apt-get, the npm dependencies (which builds the C addon with node-gyp), and compile TypeScript.
#   bash scripts/setup.sh          what the service needs
#   bash scripts/setup.sh --test   also what the test suite and CI's checks need (redis tools,
#                                  prometheus, qemu, clang-format)
# Idempotent: a second run installs nothing and rebuilds quickly.
set -euo pipefail
cd "$(dirname "$0")/.."

runtime=(libmemkind-dev libnuma-dev python3 make g++ pkg-config)
testing=(redis-tools redis-server prometheus numactl
         qemu-system-x86 cpio gzip zstd xz-utils kmod binutils libc6-dev gcc clang-format)
want=("${runtime[@]}")
[ "${1:-}" = "--test" ] && want+=("${testing[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # Debian's prometheus and redis-server packages start daemons on install; we start our own.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Build against the running Node's own headers (no download of a header tarball).
if [ -f /usr/include/node/node_api.h ]; then export npm_config_nodedir=/usr; fi

if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
npm run --silent build:ts
echo "setup: done (addon: build/Release/tiermem.node, JS: dist/)"
