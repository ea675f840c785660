#!/usr/bin/env bash
# redis-benchmark against Debian's redis-server and the tiermem store (DRAM-only and 1:4 tiered),
# in the same run: 50 clients, 256 B values, SET and GET, unpipelined and with -P 16.
# Usage: bench/store/run.sh [requests per test, default 200000]   (needs `npm run build` first)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-200000}
OUT=bench/out/store
mkdir -p "$OUT"
[ -f dist/store/index.js ] || { echo "dist/ is missing: run npm run build:ts" >&2; exit 1; }

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

RPORT=$(free_port)
redis-server --port "$RPORT" --save '' --appendonly no --daemonize no --logfile "$OUT/redis.log" &
pids+=($!)

start_store() { # mode -> sets PORT (not in a subshell, so that pids keeps the server's pid)
  PORT=$(free_port)
  node bench/store/serve.mjs "$1" "$PORT" >"$OUT/store-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q '^ready' "$OUT/store-$1.log" 2>/dev/null && break; sleep 0.1; done
}
start_store dram; DPORT=$PORT
start_store tiered; TPORT=$PORT
for _ in $(seq 1 50); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

bench() { # port pipeline test -> requests per second
  redis-benchmark -p "$1" -t "$3" -n "$N" -c 50 -d 256 -P "$2" -r 100000 -q 2>/dev/null \
    | tr '\r' '\n' | grep -E "^$(echo "$3" | tr a-z A-Z): .*requests per second" | tail -1 \
    | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/'
}

echo "redis-benchmark -c 50 -d 256 -r 100000 -n $N; redis-server $(redis-server --version | sed -E 's/.*v=([0-9.]+).*/\1/'), node $(node --version)"
printf '| test | -P | redis-server | tiermem DRAM-only | ratio | tiermem 1:4 tiered | ratio |\n|---|---|---|---|---|---|---|\n'
for P in 1 16; do
  for T in set get; do
    r=$(bench "$RPORT" "$P" "$T"); d=$(bench "$DPORT" "$P" "$T"); t=$(bench "$TPORT" "$P" "$T")
    awk -v T="$T" -v P="$P" -v r="$r" -v d="$d" -v t="$t" 'BEGIN {
      printf "| %s | %s | %.0f | %.0f | %.2fx | %.0f | %.2fx |\n", toupper(T), P, r, d, d / r, t, t / r }'
  done
done
redis-cli -p "$TPORT" info tiering | grep -E '^(pmem_threshold|memory_alloc_policy|controller_status|type_string)' || true
redis-cli -p "$TPORT" info memory | grep -E '^(used_memory_dram|used_memory_pmem|dram_share)' || true
