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
echo "== Store engine vs redis-server: throughput (bench/store/run.sh)"
bash bench/store/run.sh "${STORE_REQUESTS:-100000}"
echo "== Tiering: DRAM read-hit share with migration vs without (bench/tiering)"
node bench/tiering/run.mjs ${TIERING_ARGS:---fast}
# The memory and capacity targets fail loudly (exit 1) on a store that cannot hold the keys; the
# other figures are still worth printing, so run both and report the failure at the end.
failed=()
echo "== Store engine vs redis-server: DRAM per key (bench/store/memory.sh)"
bash bench/store/memory.sh "${STORE_MEM_KEYS:-1000000}" "${STORE_MEM_KEYS_256:-1000000}" || failed+=(memory.sh)
echo "== Store engine vs redis-server: no key-count cap (bench/store/capacity.sh)"
bash bench/store/capacity.sh "${STORE_CAP_KEYS:-30000000}" || failed+=(capacity.sh)
if [ "${#failed[@]}" -gt 0 ]; then echo "failed: ${failed[*]}" >&2; exit 1; fi
