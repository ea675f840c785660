#!/usr/bin/env bash
# Sorted-set throughput, redis-server 7.0.15 vs the store (DRAM-only), redis-benchmark with custom
# commands: ZADD of random members, ZPOPMIN, ZRANGE 0 9 / ZRANGEBYSCORE of 10 members and ZSCORE
# on a 1000-member skiplist. Each round runs both servers back to back; prints one line per server
# and round (requests per second). Usage: bench/store/zset.sh [requests, default 100000] [rounds, 3]
# (needs `npm run build` first).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}
ROUNDS=${2:-3}
OUT=bench/out/store
mkdir -p "$OUT"
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
SPORT=$(free_port)
node bench/store/serve.mjs dram "$SPORT" >"$OUT/zset-store.log" 2>&1 &
SPID=$!
RPORT=$(free_port)
redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --logfile "$OUT/zset-redis.log" &
RPID=$!
trap 'kill $SPID $RPID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^ready' "$OUT/zset-store.log" 2>/dev/null && redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
run() { # port args... -> requests per second
  local p=$1
  shift
  redis-benchmark -p "$p" -n "$N" -c 50 -r 100000 -q "$@" 2>/dev/null | tr '\r' '\n' |
    grep -E "requests per second" | tail -1 | sed -E 's/.*: ([0-9.]+) requests.*/\1/'
}
for round in $(seq 1 "$ROUNDS"); do
  for p in "$RPORT" "$SPORT"; do
    name=$([ "$p" = "$RPORT" ] && echo redis-server || echo store)
    redis-cli -p "$p" flushall >/dev/null
    for i in $(seq 0 9); do
      # shellcheck disable=SC2046
      redis-cli -p "$p" zadd big $(for j in $(seq 0 99); do echo -n "$((i * 100 + j)) m$((i * 100 + j)) "; done) >/dev/null
    done
    echo "round $round $name" \
      "ZADD $(run "$p" zadd myzset __rand_int__ element:__rand_int__)" \
      "ZPOPMIN $(run "$p" zpopmin myzset)" \
      "ZRANGE $(run "$p" zrange big 0 9 WITHSCORES)" \
      "ZRANGEBYSCORE $(run "$p" zrangebyscore big 100 '(110' WITHSCORES)" \
      "ZSCORE $(run "$p" zscore big m__rand_int__)"
  done
done
