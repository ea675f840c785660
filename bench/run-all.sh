#!/usr/bin/env bash
# Every benchmark, each printing ratios against a baseline measured in the same run.
# Run after `bash scripts/setup.sh --test` (store bench needs redis-server/redis-benchmark).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build:ts
echo "== C core vs raw memkind vs glibc (bench/core)"
make -s -C bench/core run PAIRS="${PAIRS:-2000000}"
echo "== JS facade vs Buffer.allocUnsafe (bench/js)"
node bench/js/zmalloc-bench.mjs "${JS_ITER:-1000000}"
echo "== Ratio controller vs TieredMemDB and memtier rules (bench/controller)"
npx tsc -p bench/controller/tsconfig.json && node bench/out/bench/controller/main.js
echo "== Store engine vs redis-server (bench/store)"
bash bench/store/run.sh "${STORE_REQUESTS:-100000}"
