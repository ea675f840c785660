#!/usr/bin/env bash
# appendfsync always, redis-server 7.0.15 vs tiermem in the same run: SET throughput with
# redis-benchmark (50 clients, -P 1 unless PIPELINE is set), each server's appendonlydir in its
# own temp directory under TMPDIR (same filesystem). Usage: bash bench/persist/aof-always.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}
pipeline=${PIPELINE:-1}
root=$(mktemp -d "${TMPDIR:-/tmp}/aof-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ping() { for _ in $(seq 100); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

rp=$(port)
mkdir -p "$root/redis" "$root/tiermem"
redis-server --port "$rp" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync always \
  --dir "$root/redis" --logfile "$root/redis.log" &
pids+=($!)
tp=$(port)
node dist/cli/main.js serve --socket "$root/admin.sock" --no-metrics --port "$tp" --dir "$root/tiermem" \
  --appendonly yes --appendfsync always >"$root/tiermem.log" 2>&1 &
pids+=($!)
wait_ping "$rp" && wait_ping "$tp"

echo "redis-benchmark -t set -n $n -P $pipeline (50 clients), appendfsync always, $(df -T "$root" | awk 'NR==2{print $2}') under $root"
for name in redis-server tiermem; do
  p=$([ "$name" = redis-server ] && echo "$rp" || echo "$tp")
  r=$(redis-benchmark -p "$p" -t set -n "$n" -P "$pipeline" -q | tr '\r' '\n' | grep -E '^SET' | tail -1)
  echo "$name: $r"
done
